/**
 * Schema parity: every subgraph's Prisma schema (subgraphs/<name>/prisma/schema.prisma) describes exactly what the SQL migrations
 * create. The migrated test database is read from pg_catalog and compared, model by model and
 * field by field, with the data model Prisma builds from each schema file.
 *
 * Where the data model comes from: the generated clients only embed a reduced runtime data model
 * (names, kinds, types and database names: no nullability, lists, native types or relation
 * fields), and `@prisma/internals` (getDMMF) is not installed. So the test asks the installed
 * Prisma CLI for the full DMMF through Prisma's public generator interface: it runs
 * `prisma generate --generator <ours>` on a temporary copy of each schema with one extra
 * generator block, a tiny script that writes the DMMF it is handed to a file. This is the same
 * parser that generates the clients, and it works offline (generate never runs the schema
 * engine; PRISMA_SCHEMA_ENGINE_BINARY only has to name an existing file, as in
 * scripts/generate.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Database } from '../../lib/runtime/db';
import { subgraphs } from '../../subgraphs';
import { createTestDatabase, dropTestDatabase } from '../support/database';

const ROOT = path.resolve(__dirname, '../..');
const PRISMA_CLI = path.join(ROOT, 'node_modules/prisma/build/index.js');

// --- Prisma's data model (the part of the DMMF this test reads) ------------------------------

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
  uniqueIndexes: { name: string | null; fields: string[] }[];
}

interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}

/** One schema file's data model, with what the DMMF leaves out: the schemas it owns. */
interface SubgraphModel {
  file: string;
  /** The datasource's `schemas`: every table in them must be a model. */
  schemas: string[];
  /** Each enum's `@@schema`. */
  enumSchemas: Record<string, string>;
  models: DmmfModel[];
  enums: DmmfEnum[];
}

// --- The database's catalog -----------------------------------------------------------------

interface DbColumn {
  name: string;
  notNull: boolean;
  isArray: boolean;
  /** format_type of the (element) type, e.g. `character(12)`, `timestamp(6) with time zone`. */
  sqlType: string;
  /** pg_type name and schema of the (element) type, e.g. `bpchar`/`pg_catalog`, `AreaLevel`/`communities`. */
  typeName: string;
  typeSchema: string;
  /** pg_type.typtype of the (element) type: `b` base, `e` enum, `d` domain, … */
  typeKind: string;
}

interface DbTable {
  schema: string;
  name: string;
  columns: Map<string, DbColumn>;
  primaryKey: string[] | null;
  uniques: { columns: string[]; partial: boolean }[];
  foreignKeys: { columns: string[]; refSchema: string; refTable: string; refColumns: string[]; onDelete: string }[];
}

interface Catalog {
  /** By `schema.table`. */
  tables: Map<string, DbTable>;
  /** Labels in order, by `schema.type`. */
  enums: Map<string, string[]>;
}

async function readCatalog(db: Database, schemas: string[]): Promise<Catalog> {
  const tables = new Map<string, DbTable>();
  const tableRows = await db.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[]) AND NOT c.relispartition
        -- Prisma's bookkeeping of the subgraph's own migration timeline, not a model.
        AND c.relname <> '_prisma_migrations'`,
    [schemas],
  );
  for (const row of tableRows) {
    tables.set(`${row.schema}.${row.name}`, { ...row, columns: new Map(), primaryKey: null, uniques: [], foreignKeys: [] });
  }

  const columnRows = await db.query<{
    schema: string;
    table: string;
    name: string;
    not_null: boolean;
    is_array: boolean;
    sql_type: string;
    type_name: string;
    type_schema: string;
    type_kind: string;
  }>(
    `SELECT n.nspname AS schema, c.relname AS table, a.attname AS name, a.attnotnull AS not_null,
            (t.typcategory = 'A') AS is_array,
            format_type(e.oid, a.atttypmod) AS sql_type,
            e.typname AS type_name, en.nspname AS type_schema, e.typtype::text AS type_kind
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type e ON e.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
       JOIN pg_namespace en ON en.oid = e.typnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[])
      ORDER BY n.nspname, c.relname, a.attnum`,
    [schemas],
  );
  for (const row of columnRows) {
    tables.get(`${row.schema}.${row.table}`)?.columns.set(row.name, {
      name: row.name,
      notNull: row.not_null,
      isArray: row.is_array,
      sqlType: row.sql_type,
      typeName: row.type_name,
      typeSchema: row.type_schema,
      typeKind: row.type_kind,
    });
  }

  const constraintRows = await db.query<{
    kind: string;
    schema: string;
    table: string;
    columns: string[];
    ref_schema: string | null;
    ref_table: string | null;
    ref_columns: string[] | null;
    on_delete: string;
  }>(
    `SELECT con.contype::text AS kind, n.nspname AS schema, c.relname AS table,
            (SELECT array_agg(a.attname::text ORDER BY k.i)
               FROM unnest(con.conkey) WITH ORDINALITY AS k(num, i)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS columns,
            fn.nspname AS ref_schema, fc.relname AS ref_table,
            (SELECT array_agg(a.attname::text ORDER BY k.i)
               FROM unnest(con.confkey) WITH ORDINALITY AS k(num, i)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num) AS ref_columns,
            con.confdeltype::text AS on_delete
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class fc ON fc.oid = con.confrelid
       LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
      WHERE con.contype IN ('p', 'f') AND n.nspname = ANY($1::text[])`,
    [schemas],
  );
  for (const row of constraintRows) {
    const table = tables.get(`${row.schema}.${row.table}`);
    if (!table) continue;
    if (row.kind === 'p') table.primaryKey = row.columns;
    else {
      table.foreignKeys.push({
        columns: row.columns,
        refSchema: row.ref_schema ?? '',
        refTable: row.ref_table ?? '',
        refColumns: row.ref_columns ?? [],
        onDelete: row.on_delete,
      });
    }
  }

  // Unique indexes, whether declared as constraints or not (and whether partial).
  const uniqueRows = await db.query<{ schema: string; table: string; columns: string[] | null; partial: boolean }>(
    `SELECT n.nspname AS schema, c.relname AS table, i.indpred IS NOT NULL AS partial,
            (SELECT array_agg(a.attname::text ORDER BY k.i)
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(num, i)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indisunique AND n.nspname = ANY($1::text[])`,
    [schemas],
  );
  for (const row of uniqueRows) {
    tables.get(`${row.schema}.${row.table}`)?.uniques.push({ columns: row.columns ?? [], partial: row.partial });
  }

  const enums = new Map<string, string[]>();
  const enumRows = await db.query<{ schema: string; name: string; label: string }>(
    `SELECT n.nspname AS schema, t.typname AS name, e.enumlabel AS label
       FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
      ORDER BY n.nspname, t.typname, e.enumsortorder`,
  );
  for (const row of enumRows) {
    const key = `${row.schema}.${row.name}`;
    enums.set(key, [...(enums.get(key) ?? []), row.label]);
  }
  return { tables, enums };
}

// --- The comparison --------------------------------------------------------------------------

/** The PostgreSQL types each Prisma scalar type can be stored in (pg_type names). */
const COMPATIBLE_TYPES: Record<string, string[]> = {
  String: ['text', 'varchar', 'bpchar', 'uuid', 'citext', 'xml', 'inet', 'bit', 'varbit'],
  Int: ['int4', 'int2', 'oid'],
  BigInt: ['int8'],
  Float: ['float8', 'float4'],
  Decimal: ['numeric', 'money'],
  Boolean: ['bool'],
  DateTime: ['timestamptz', 'timestamp', 'date', 'time', 'timetz'],
  Json: ['jsonb', 'json'],
  Bytes: ['bytea'],
};

/** The format_type() a `@db.X(args)` native type produces, or undefined when not checked. */
function nativeSqlType([name, args]: [string, string[]]): string | undefined {
  const withArgs = (base: string) => (args.length > 0 ? `${base}(${args.join(',')})` : base);
  const withPrecision = (base: string, suffix: string) => (args.length > 0 ? `${base}(${args[0]}) ${suffix}` : `${base} ${suffix}`);
  switch (name) {
    case 'Text':
      return 'text';
    case 'Char':
      return `character(${args[0] ?? 1})`;
    case 'VarChar':
      return withArgs('character varying');
    case 'Uuid':
      return 'uuid';
    case 'Xml':
      return 'xml';
    case 'Inet':
      return 'inet';
    case 'Citext':
      return 'citext';
    case 'Bit':
      return `bit(${args[0] ?? 1})`;
    case 'VarBit':
      return withArgs('bit varying');
    case 'SmallInt':
      return 'smallint';
    case 'Integer':
      return 'integer';
    case 'Oid':
      return 'oid';
    case 'BigInt':
      return 'bigint';
    case 'Real':
      return 'real';
    case 'DoublePrecision':
      return 'double precision';
    case 'Decimal':
      return withArgs('numeric');
    case 'Money':
      return 'money';
    case 'Boolean':
      return 'boolean';
    case 'Timestamp':
      return withPrecision('timestamp', 'without time zone');
    case 'Timestamptz':
      return withPrecision('timestamp', 'with time zone');
    case 'Date':
      return 'date';
    case 'Time':
      return withPrecision('time', 'without time zone');
    case 'Timetz':
      return withPrecision('time', 'with time zone');
    case 'Json':
      return 'json';
    case 'JsonB':
      return 'jsonb';
    case 'ByteA':
      return 'bytea';
    default:
      return undefined;
  }
}

/** PostgreSQL's default time precision is 6: `timestamptz` and `timestamptz(6)` are the same type. */
function normalizeSqlType(sqlType: string): string {
  return sqlType.replace(/^(timestamp|time)\(6\)/, '$1').replace(/, /g, ',');
}

const ON_DELETE: Record<string, string> = { Cascade: 'c', Restrict: 'r', NoAction: 'a', SetNull: 'n', SetDefault: 'd' };

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameSet = (a: readonly string[], b: readonly string[]) => sameList([...a].sort(), [...b].sort());
const list = (values: readonly string[]) => `(${values.join(', ')})`;

/** Every difference between one schema file's data model and the database, as readable lines. */
function compareSubgraph(subgraph: SubgraphModel, catalog: Catalog): string[] {
  const problems: string[] = [];
  const defaultSchema = subgraph.schemas.length === 1 ? subgraph.schemas[0]! : 'public';
  const tableOf = (model: DmmfModel) => ({ schema: model.schema ?? defaultSchema, name: model.dbName ?? model.name });
  const columnOf = (field: DmmfField) => field.dbName ?? field.name;
  const enumByName = new Map(subgraph.enums.map((e) => [e.name, e]));
  const enumLocation = (e: DmmfEnum) => ({ schema: subgraph.enumSchemas[e.name] ?? defaultSchema, name: e.dbName ?? e.name });
  const claimed = new Set<string>();

  for (const e of subgraph.enums) {
    const where = enumLocation(e);
    const labels = catalog.enums.get(`${where.schema}.${where.name}`);
    const values = e.values.map((v) => v.dbName ?? v.name);
    if (!labels) problems.push(`enum ${e.name}: type ${where.schema}."${where.name}" does not exist`);
    else if (!sameSet(labels, values)) {
      problems.push(`enum ${e.name}: values ${list(values)} but the database has ${list(labels)}`);
    }
  }

  for (const model of subgraph.models) {
    const where = tableOf(model);
    const tableKey = `${where.schema}.${where.name}`;
    claimed.add(tableKey);
    const table = catalog.tables.get(tableKey);
    if (!table) {
      problems.push(`model ${model.name}: table ${tableKey} does not exist`);
      continue;
    }
    const fieldColumns = new Map<string, string>();
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const columnName = columnOf(field);
      fieldColumns.set(field.name, columnName);
      const at = `${model.name}.${field.name} (${tableKey}.${columnName})`;
      const column = table.columns.get(columnName);
      if (!column) {
        problems.push(`${at}: column does not exist`);
        continue;
      }
      if (field.isList !== column.isArray) {
        problems.push(
          `${at}: ${field.isList ? 'a list' : 'not a list'} in Prisma but the column is ${column.isArray ? 'an array' : 'not an array'}`,
        );
      }
      if (field.isRequired !== column.notNull) {
        problems.push(
          `${at}: ${field.isRequired ? 'required' : 'optional'} in Prisma but the column is ${column.notNull ? 'NOT NULL' : 'nullable'}`,
        );
      }
      const typeText = `${column.sqlType}${column.isArray ? '[]' : ''}`;
      if (field.kind === 'enum') {
        const e = enumByName.get(field.type);
        const expected = e ? enumLocation(e) : { schema: where.schema, name: field.type };
        if (column.typeKind !== 'e' || column.typeName !== expected.name || column.typeSchema !== expected.schema) {
          problems.push(`${at}: enum ${field.type} in Prisma but the column is ${typeText}, not ${expected.schema}."${expected.name}"`);
        }
      } else if (field.kind === 'scalar') {
        const compatible = COMPATIBLE_TYPES[field.type];
        if (!compatible) problems.push(`${at}: Prisma type ${field.type} is not known to this test`);
        else if (column.typeKind === 'e' || !compatible.includes(column.typeName)) {
          problems.push(`${at}: ${field.type}${field.isList ? '[]' : ''} in Prisma but the column is ${typeText}`);
        } else if (field.nativeType) {
          const expected = nativeSqlType(field.nativeType);
          if (expected !== undefined && normalizeSqlType(expected) !== normalizeSqlType(column.sqlType)) {
            problems.push(
              `${at}: @db.${field.nativeType[0]}${field.nativeType[1].length ? `(${field.nativeType[1].join(', ')})` : ''} in Prisma but the column is ${typeText}`,
            );
          }
        }
      }
    }

    for (const column of table.columns.keys()) {
      if (![...fieldColumns.values()].includes(column)) problems.push(`model ${model.name}: column ${tableKey}.${column} has no field`);
    }

    const columnsOf = (names: readonly string[]) => names.map((n) => fieldColumns.get(n) ?? `?${n}`);
    const idFields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
    if (idFields.length > 0) {
      const expected = columnsOf(idFields);
      if (!table.primaryKey) problems.push(`model ${model.name}: the id is ${list(expected)} but ${tableKey} has no primary key`);
      else if (!sameList(expected, table.primaryKey)) {
        problems.push(`model ${model.name}: the id is ${list(expected)} but the primary key of ${tableKey} is ${list(table.primaryKey)}`);
      }
    }
    const uniques = [...model.fields.filter((f) => f.isUnique).map((f) => [f.name]), ...model.uniqueIndexes.map((u) => u.fields)];
    for (const fields of uniques) {
      const expected = columnsOf(fields);
      if (!table.uniques.some((u) => !u.partial && sameSet(u.columns, expected))) {
        problems.push(`model ${model.name}: unique ${list(expected)} has no (non-partial) unique index on ${tableKey}`);
      }
    }

    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = subgraph.models.find((m) => m.name === field.type);
      const from = columnsOf(field.relationFromFields);
      if (!target) {
        problems.push(`${model.name}.${field.name}: relation to unknown model ${field.type}`);
        continue;
      }
      const targetWhere = tableOf(target);
      const targetColumns = new Map(target.fields.map((f) => [f.name, columnOf(f)]));
      const to = (field.relationToFields ?? []).map((n) => targetColumns.get(n) ?? `?${n}`);
      const relation = `${model.name}.${field.name}: foreign key ${list(from)} → ${targetWhere.schema}.${targetWhere.name}${list(to)}`;
      const fk = table.foreignKeys.find(
        (k) =>
          sameList(k.columns, from) && k.refSchema === targetWhere.schema && k.refTable === targetWhere.name && sameList(k.refColumns, to),
      );
      if (!fk) problems.push(`${relation} does not exist`);
      else if (field.relationOnDelete && ON_DELETE[field.relationOnDelete] !== fk.onDelete) {
        problems.push(`${relation}: onDelete ${field.relationOnDelete} in Prisma but confdeltype '${fk.onDelete}' in the database`);
      }
    }
  }

  for (const [key, table] of catalog.tables) {
    if (subgraph.schemas.includes(table.schema) && !claimed.has(key)) problems.push(`table ${key} is not a Prisma model`);
  }
  return problems.map((p) => `${path.basename(subgraph.file)}: ${p}`);
}

// --- Loading the data models through Prisma's generator interface ---------------------------

const GENERATOR = `
// Answers Prisma's generator JSON-RPC (requests on stdin, responses on stderr) and writes the
// options it is given for \`generate\` (the DMMF among them) to the file its config names.
const fs = require('node:fs');
const readline = require('node:readline');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  let result = null;
  if (request.method === 'getManifest') result = { manifest: { prettyName: 'parity DMMF', requiresGenerators: [] } };
  if (request.method === 'generate') {
    const { dmmf, datasources, generator } = request.params;
    fs.writeFileSync(generator.config.dmmfOut, JSON.stringify({ datamodel: dmmf.datamodel, datasources }));
  }
  process.stderr.write(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }) + '\\n');
});
`;

const run = promisify(execFile);

async function loadSubgraph(tmp: string, generator: string, file: string): Promise<SubgraphModel> {
  // subgraphs/<name>/prisma/schema.prisma: the subgraph's folder names it.
  const name = path.basename(path.dirname(path.dirname(file)));
  const text = fs.readFileSync(file, 'utf8');
  const copy = path.join(tmp, `${name}.prisma`);
  const out = path.join(tmp, `${name}.dmmf.json`);
  fs.writeFileSync(
    copy,
    `${text}\n\ngenerator crg_parity_dmmf {\n  provider = ${JSON.stringify(`${process.execPath} ${generator}`)}\n  output   = ${JSON.stringify(tmp)}\n  dmmfOut  = ${JSON.stringify(out)}\n}\n`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
  delete env.NODE_OPTIONS;
  try {
    await run(process.execPath, [PRISMA_CLI, 'generate', '--schema', copy, '--generator', 'crg_parity_dmmf'], { cwd: ROOT, env });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`prisma generate failed for ${file}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  const { datamodel, datasources } = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    datamodel: { models: DmmfModel[]; enums: DmmfEnum[] };
    datasources: { schemas?: string[] }[];
  };
  // The DMMF does not say which schema an enum lives in: read its block's @@schema.
  const enumSchemas: Record<string, string> = {};
  for (const match of text.matchAll(/^\s*enum\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const schema = /@@schema\(\s*"([^"]+)"\s*\)/.exec(match[2]!);
    if (schema) enumSchemas[match[1]!] = schema[1]!;
  }
  return {
    file,
    schemas: datasources[0]?.schemas ?? [],
    enumSchemas,
    models: datamodel.models,
    enums: datamodel.enums,
  };
}

// --- Tests -----------------------------------------------------------------------------------

const schemaFiles = subgraphs.map((s) => path.join(ROOT, 'subgraphs', s.name, 'prisma/schema.prisma'));

describe('Prisma schemas match the migrated database', () => {
  let db: Database;
  let tmp: string;
  const subgraphs = new Map<string, SubgraphModel>();
  let catalog: Catalog;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-parity-'));
    const generator = path.join(tmp, 'dmmf-generator.cjs');
    fs.writeFileSync(generator, GENERATOR);
    // Settled, not all: the database must be kept (and closed in afterAll) even when a load fails.
    const [database, ...models] = await Promise.allSettled([
      createTestDatabase(),
      ...schemaFiles.map((file) => loadSubgraph(tmp, generator, file)),
    ]);
    if (database.status === 'fulfilled') db = database.value;
    for (const result of [database, ...models]) if (result.status === 'rejected') throw result.reason;
    for (const model of models) if (model.status === 'fulfilled') subgraphs.set(model.value.file, model.value);
    const schemas = [...new Set([...subgraphs.values()].flatMap((s) => s.schemas))];
    catalog = await readCatalog(db, schemas);
  });

  afterAll(async () => {
    if (db) await dropTestDatabase(db);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('there are schema files, each owning its own database schemas', () => {
    expect(schemaFiles.length).toBeGreaterThan(0);
    const owners = new Map<string, string>();
    for (const subgraph of subgraphs.values()) {
      expect({ file: subgraph.file, schemas: subgraph.schemas.length > 0 }).toEqual({ file: subgraph.file, schemas: true });
      expect({ file: subgraph.file, models: subgraph.models.length > 0 }).toEqual({ file: subgraph.file, models: true });
      for (const schema of subgraph.schemas) {
        expect({ schema, ownedBy: owners.get(schema) }).toEqual({ schema, ownedBy: undefined });
        owners.set(schema, subgraph.file);
      }
    }
  });

  test.each(schemaFiles.map((file) => [path.relative(ROOT, file), file]))('%s', (_label, file) => {
    const subgraph = subgraphs.get(file)!;
    const problems = compareSubgraph(subgraph, catalog);
    if (problems.length > 0) {
      throw new Error(`${path.relative(ROOT, file)} does not match the migrated database:\n  - ${problems.join('\n  - ')}`);
    }
  });

  test('drift in a real model is reported: a field without a column, a changed nullability and type', () => {
    const [first] = subgraphs.values();
    const drifted = structuredClone(first!);
    const model = drifted.models.find((m) =>
      m.fields.some((f) => f.kind === 'scalar' && f.isRequired && !f.isList && f.type === 'String'),
    )!;
    const table = model.dbName ?? model.name;
    const requiredString = model.fields.find((f) => f.kind === 'scalar' && f.isRequired && !f.isList && f.type === 'String')!;
    requiredString.isRequired = false;
    const other = model.fields.find((f) => f.kind === 'scalar' && f !== requiredString && !f.isList && f.type !== 'Boolean')!;
    other.type = 'Boolean';
    other.nativeType = null;
    model.fields.push({
      ...requiredString,
      name: 'addedWithoutMigration',
      dbName: 'added_without_migration',
      isId: false,
      isUnique: false,
    });

    const problems = compareSubgraph(drifted, catalog);
    const at = (field: DmmfField) => `${model.name}.${field.name} (`;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`${at(requiredString).replace(/[.()]/g, '\\$&')}.*optional in Prisma but the column is NOT NULL`)),
        expect.stringMatching(new RegExp(`${at(other).replace(/[.()]/g, '\\$&')}.*Boolean in Prisma but the column is`)),
        expect.stringContaining(`${model.name}.addedWithoutMigration (`),
      ]),
    );
    expect(problems.find((p) => p.includes('addedWithoutMigration'))).toMatch(
      new RegExp(`${table}\\.added_without_migration\\): column does not exist`),
    );
    expect(problems).toHaveLength(3);
  });
});

describe('compareSubgraph on a fabricated model', () => {
  const field = (name: string, type: string, extra: Partial<DmmfField> = {}): DmmfField => ({
    name,
    kind: 'scalar',
    isList: false,
    isRequired: true,
    isId: false,
    isUnique: false,
    type,
    ...extra,
  });
  const column = (name: string, typeName: string, sqlType: string, extra: Partial<DbColumn> = {}): [string, DbColumn] => [
    name,
    { name, notNull: true, isArray: false, sqlType, typeName, typeSchema: 'pg_catalog', typeKind: 'b', ...extra },
  ];
  const subgraph = (fields: DmmfField[], values = ['A', 'B']): SubgraphModel => ({
    file: '/x/fabricated.prisma',
    schemas: ['fab'],
    enumSchemas: { Kind: 'fab' },
    enums: [{ name: 'Kind', values: values.map((name) => ({ name, dbName: null })) }],
    models: [{ name: 'Thing', dbName: 'thing', schema: 'fab', fields, primaryKey: null, uniqueIndexes: [] }],
  });
  const catalog = (): Catalog => ({
    tables: new Map([
      [
        'fab.thing',
        {
          schema: 'fab',
          name: 'thing',
          columns: new Map([
            column('id', 'uuid', 'uuid'),
            column('code', 'bpchar', 'character(12)'),
            column('note', 'text', 'text', { notNull: false }),
            column('amount', 'numeric', 'numeric(16,2)'),
            column('at', 'timestamptz', 'timestamp(6) with time zone'),
            column('tags', 'text', 'text', { isArray: true }),
            column('kind', 'Kind', '"fab"."Kind"', { typeSchema: 'fab', typeKind: 'e' }),
          ]),
          primaryKey: ['id'],
          uniques: [{ columns: ['id'], partial: false }],
          foreignKeys: [],
        },
      ],
      ['fab.orphan', { schema: 'fab', name: 'orphan', columns: new Map(), primaryKey: null, uniques: [], foreignKeys: [] }],
    ]),
    enums: new Map([['fab.Kind', ['A', 'B']]]),
  });
  const matching = (): DmmfField[] => [
    field('id', 'String', { isId: true, nativeType: ['Uuid', []] }),
    field('code', 'String', { nativeType: ['Char', ['12']] }),
    field('note', 'String', { isRequired: false }),
    field('amount', 'Decimal', { nativeType: ['Decimal', ['16', '2']] }),
    field('at', 'DateTime', { nativeType: ['Timestamptz', ['6']] }),
    field('tags', 'String', { isList: true }),
    field('kind', 'Kind', { kind: 'enum' }),
  ];

  test('a model that matches reports only the table no model claims', () => {
    expect(compareSubgraph(subgraph(matching()), catalog())).toEqual(['fabricated.prisma: table fab.orphan is not a Prisma model']);
  });

  test('every kind of drift is reported, in one readable list', () => {
    const fields = matching();
    const byName = (name: string) => fields.find((f) => f.name === name)!;
    byName('note').isRequired = true; // nullability
    byName('code').nativeType = ['Char', ['18']]; // native type
    byName('amount').type = 'Int'; // type
    byName('tags').isList = false; // list-ness
    byName('at').isRequired = false; // nullability the other way
    fields.push(field('missing', 'String', { dbName: 'missing_column' })); // a field without a column
    const problems = compareSubgraph(subgraph(fields, ['A', 'B', 'C']), catalog());
    expect(problems).toEqual([
      'fabricated.prisma: enum Kind: values (A, B, C) but the database has (A, B)',
      'fabricated.prisma: Thing.code (fab.thing.code): @db.Char(18) in Prisma but the column is character(12)',
      'fabricated.prisma: Thing.note (fab.thing.note): required in Prisma but the column is nullable',
      'fabricated.prisma: Thing.amount (fab.thing.amount): Int in Prisma but the column is numeric(16,2)',
      'fabricated.prisma: Thing.at (fab.thing.at): optional in Prisma but the column is NOT NULL',
      'fabricated.prisma: Thing.tags (fab.thing.tags): not a list in Prisma but the column is an array',
      'fabricated.prisma: Thing.missing (fab.thing.missing_column): column does not exist',
      'fabricated.prisma: table fab.orphan is not a Prisma model',
    ]);
  });

  test('an enum column of the wrong type, a column without a field and a missing foreign key are reported', () => {
    const fields = matching().filter((f) => f.name !== 'note');
    fields.find((f) => f.name === 'kind')!.type = 'Other';
    const model = subgraph(fields);
    model.enums.push({
      name: 'Other',
      values: [
        { name: 'A', dbName: null },
        { name: 'B', dbName: null },
      ],
    });
    model.enumSchemas.Other = 'fab';
    model.models.push({
      name: 'Child',
      dbName: 'orphan',
      schema: 'fab',
      primaryKey: null,
      uniqueIndexes: [],
      fields: [
        field('thingId', 'String', { dbName: 'thing_id' }),
        { ...field('thing', 'Thing'), kind: 'object', relationFromFields: ['thingId'], relationToFields: ['id'] },
      ],
    });
    const cat = catalog();
    cat.tables.get('fab.orphan')!.columns.set(...column('thing_id', 'uuid', 'uuid'));
    expect(compareSubgraph(model, cat)).toEqual([
      'fabricated.prisma: enum Other: type fab."Other" does not exist',
      'fabricated.prisma: Thing.kind (fab.thing.kind): enum Other in Prisma but the column is "fab"."Kind", not fab."Other"',
      'fabricated.prisma: model Thing: column fab.thing.note has no field',
      'fabricated.prisma: Child.thing: foreign key (thing_id) → fab.thing(id) does not exist',
    ]);
  });
});
