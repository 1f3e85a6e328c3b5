import fs from 'node:fs';
import path from 'node:path';
import {
  buildASTSchema,
  buildSchema,
  getNamedType,
  getNullableType,
  GraphQLList,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLInputType,
} from 'graphql';
import { SUPERGRAPH_PATH } from '../../gateway/src/server';
import { loadConfig } from '../../lib/runtime/config';
import { fieldPrices } from '../../lib/edge/cost';
import { operationCost } from '../../lib/edge/limits';
import { apiSchemaSdl } from '../../lib/build/schema-changes';
import { readManifest } from '../../lib/edge/trusted-documents';

/**
 * Every list of the composed supergraph is sized by the cost directives (issue 19): it takes
 * `first` (@listSize slicingArguments), declares an assumedSize its subgraph holds it to, or is
 * a connection's `edges`, sized by the field returning the connection (sizedFields). A new list
 * without either would be priced as one row, as the probe's nested bids were.
 */

const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
const prices = fieldPrices(sdl);
// Federation's own entry points: priced by the representations sent (_entities) or a single SDL string.
const FEDERATION = new Set(['Query._entities', 'Query._service']);

function listFields() {
  const lists: { key: string; returns: string }[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      if (!FEDERATION.has(key) && getNullableType(field.type) instanceof GraphQLList)
        lists.push({ key, returns: getNamedType(field.type).name });
    }
  }
  return lists;
}

/** `Connection.edges` for every field that returns a connection sized by its edges. */
function sizedByParent(): Set<string> {
  const sized = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const price = prices.get(`${type.name}.${field.name}`);
      if (price?.slicingArguments?.every((name) => field.args.some((arg) => arg.name === name))) {
        for (const sizedField of price.sizedFields ?? []) sized.add(`${getNamedType(field.type).name}.${sizedField}`);
      }
    }
  }
  return sized;
}

test('the supergraph keeps the cost directives (federation 2.9 composes them)', () => {
  expect(sdl).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1"');
  expect(prices.size).toBeGreaterThan(0);
});

test('every list field takes first as a slicing argument, declares an assumedSize, or is the sized edges of a connection', () => {
  const sized = sizedByParent();
  const lists = listFields();
  // The walk really reaches the lists the probe nested, and the connections' edges.
  expect(lists.map((l) => l.key)).toEqual(
    expect.arrayContaining(['Tender.bids', 'ProcurementProject.tenders', 'Premises.auditTrail', 'ProjectConnection.edges']),
  );
  const unsized = lists.filter(({ key }) => {
    const price = prices.get(key);
    return price?.assumedSize === undefined && !price?.slicingArguments?.length && !sized.has(key);
  });
  expect(unsized.map((l) => `${l.key}: [${l.returns}]`)).toEqual([]);
});

test('every field returning a connection slices it by first and sizes its edges', () => {
  const connections: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (!getNamedType(field.type).name.endsWith('Connection')) continue;
      const price = prices.get(`${type.name}.${field.name}`);
      if (!(price?.slicingArguments?.includes('first') && price.sizedFields?.includes('edges')))
        connections.push(`${type.name}.${field.name}`);
    }
  }
  expect(connections).toEqual([]);
});

describe('what the graph ships stays under the default cost limit, priced as the gateway prices it', () => {
  const root = path.join(__dirname, '../..');
  const apiSchema = buildSchema(apiSchemaSdl(sdl));
  const maxCost = loadConfig({}).limits.maxCost;
  const SAMPLES: Record<string, unknown> = {
    AreaCode: '510108000000',
    ID: '00000000-0000-4000-8000-000000000000',
    DateTime: '2026-12-01T00:00:00+08:00',
    Date: '2026-12-01',
    Int: 1,
    Float: 1,
    String: 'x',
    Boolean: true,
  };
  // A value for a required variable (its price does not depend on it unless it is a slicing argument: those have defaults).
  const sample = (type: GraphQLInputType): unknown => {
    const inner = getNullableType(type);
    if (inner instanceof GraphQLList) return [sample(inner.ofType)];
    if (isEnumType(inner)) return inner.getValues()[0]!.name;
    if (isInputObjectType(inner)) {
      return Object.fromEntries(
        Object.values(inner.getFields())
          .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
          .map((f) => [f.name, sample(f.type)]),
      );
    }
    return SAMPLES[inner.name] ?? 'x';
  };
  const cost = (body: string, operationName?: string) => {
    const document = parse(body);
    const variables: Record<string, unknown> = {};
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || (operationName && definition.name?.value !== operationName)) continue;
      for (const variable of definition.variableDefinitions ?? []) {
        const type = typeFromAST(apiSchema, variable.type) as GraphQLInputType;
        if (isNonNullType(type) && !variable.defaultValue) variables[variable.variable.name.value] = sample(type);
      }
    }
    return operationCost(apiSchema, document, variables, { operationName, maxFields: 2000, prices });
  };

  test('every trusted portal operation (documents/manifest.json), its variables at their defaults', () => {
    const operations = readManifest(path.join(root, 'documents/manifest.json')).operations;
    expect(operations.length).toBeGreaterThan(0);
    const over = operations.map((o) => ({ name: o.name, cost: cost(o.body, o.name) })).filter((o) => o.cost > maxCost);
    expect(over).toEqual([]);
  });

  test('every example query of the README', () => {
    // A shell splice ('"$VERSION"', '"$(date +%Y)"') stands for a value the example computes: 1 is a valid Int, ID or string body.
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8').replace(/'"\$(?:\([^)]*\)|\w+)"'/g, '1');
    const examples = [...readme.matchAll(/"query":"((?:[^"\\]|\\.)*)"/g)].map((match) => JSON.parse(`"${match[1]}"`) as string);
    expect(examples.length).toBeGreaterThan(5);
    const over = examples.map((query) => ({ query, cost: cost(query) })).filter((o) => o.cost > maxCost);
    expect(over).toEqual([]);
  });
});
