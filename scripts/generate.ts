/**
 * Generates what is derived from checked-in sources and not committed: each subgraph's Prisma
 * client (from subgraphs/<name>/prisma/schema.prisma) and typed resolvers (from its schema.graphql).
 * Runs before start and test. Each output is regenerated only when the hash of what it is made
 * from changed (or the output is gone): Prisma's CLI alone cost a warm `npm start` 30 s or more.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { codegen as codegenCore } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as resolversPlugin from '@graphql-codegen/typescript-resolvers';
import { buildASTSchema, parse } from 'graphql';
import { subgraphs } from '../subgraphs';

const root = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(root, 'node_modules/.cache/community-resource-graph');
const JOSE_FOR_JEST = path.join(CACHE_DIR, 'jose.cjs');

/** The installed version of a package: a new generator version must regenerate its output. */
function versionOf(pkg: string): string {
  const manifest = path.join(root, 'node_modules', pkg, 'package.json');
  return fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version : 'none';
}

/** Hash of this script, the generators' versions and the given inputs' contents. */
function fingerprint(inputs: string[], generators: string[]): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(__filename));
  for (const pkg of generators) hash.update(`${pkg}@${versionOf(pkg)}\n`);
  for (const file of inputs) hash.update(`${path.relative(root, file)}\n`).update(fs.existsSync(file) ? fs.readFileSync(file) : '');
  return hash.digest('hex');
}

/**
 * Runs `make` unless `output` exists beside a stamp of the same fingerprint. The stamp sits next
 * to its output (gitignored with it), so a checkout's outputs are judged by their own stamps, and
 * it is written only after `make` succeeded, so a failed run regenerates next time.
 */
async function unlessFresh(output: string, print: string, make: () => void | Promise<void>): Promise<void> {
  const stamp = `${output}.fingerprint`;
  if (fs.existsSync(output) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === print) return;
  fs.rmSync(stamp, { force: true });
  await make();
  fs.writeFileSync(stamp, print);
}

/** The folder a Prisma schema's `generator client { output = … }` writes to. */
function prismaOutput(schemaFile: string): string {
  const match = /^\s*output\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(schemaFile, 'utf8'));
  if (!match) throw new Error(`${schemaFile} names no generator output`);
  return path.resolve(path.dirname(schemaFile), match[1]!);
}

async function prismaGenerate(): Promise<void> {
  const prismaCli = path.join(root, 'node_modules/prisma/build/index.js');
  for (const { name } of subgraphs) {
    const schemaFile = path.join(root, 'subgraphs', name, 'prisma/schema.prisma');
    await unlessFresh(prismaOutput(schemaFile), fingerprint([schemaFile], ['prisma', '@prisma/client']), () => {
      // generate never runs the schema engine, but the CLI looks for one first: any file will do.
      execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schemaFile], {
        cwd: root,
        stdio: 'pipe',
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
          CHECKPOINT_DISABLE: '1',
        },
      });
    });
  }
}

/** `export type FooModel` / `export interface FooModel` in src/models.ts map GraphQL type Foo. */
function mappersOf(subgraphDir: string): Record<string, string> {
  const models = path.join(subgraphDir, 'src/models.ts');
  if (!fs.existsSync(models)) return {};
  const mappers: Record<string, string> = {};
  for (const match of fs.readFileSync(models, 'utf8').matchAll(/export (?:type|interface) (\w+)Model\b/g)) {
    mappers[match[1]!] = `../models#${match[1]}Model`;
  }
  return mappers;
}

const SCALAR_TYPES = {
  AreaCode: 'string',
  CreditCode: 'string',
  DateTime: { input: 'Date', output: 'Date | string' },
  Date: 'string',
  NonNegativeInt: 'number',
  PositiveInt: 'number',
  PhoneNumber: 'string',
  EmailAddress: 'string',
  URL: 'string',
  Currency: 'string',
  JSON: 'unknown',
};

/**
 * Typed resolvers for every subgraph, through codegen's core API: the SDL is read here, so none
 * of the CLI's remote schema loaders are needed.
 */
async function codegen(): Promise<void> {
  const subgraphsDir = path.join(root, 'subgraphs');
  for (const name of fs.readdirSync(subgraphsDir).sort()) {
    const dir = path.join(subgraphsDir, name);
    const sdlPath = path.join(dir, 'schema.graphql');
    if (!fs.existsSync(sdlPath)) continue;
    const filename = path.join(dir, 'src/generated/graphql.ts');
    const print = fingerprint(
      [sdlPath, path.join(dir, 'src/models.ts')],
      ['@graphql-codegen/core', '@graphql-codegen/typescript', '@graphql-codegen/typescript-resolvers', 'graphql'],
    );
    await unlessFresh(filename, print, () => codegenOne(dir, sdlPath, filename));
  }
}

async function codegenOne(dir: string, sdlPath: string, filename: string): Promise<void> {
  // Federation directives are not declared in the SDL; codegen reads them off the AST.
  const document = parse(fs.readFileSync(sdlPath, 'utf8'));
  const output = await codegenCore({
    schema: document,
    schemaAst: buildASTSchema(document, { assumeValidSDL: true }),
    documents: [],
    filename,
    plugins: [{ typescript: {} }, { 'typescript-resolvers': {} }],
    pluginMap: { typescript: typescriptPlugin, 'typescript-resolvers': resolversPlugin },
    config: {
      federation: true,
      useIndexSignature: true,
      contextType: '../context#Context',
      mappers: mappersOf(dir),
      enumsAsTypes: true,
      avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      scalars: SCALAR_TYPES,
    },
  });
  fs.mkdirSync(path.dirname(filename), { recursive: true });
  fs.writeFileSync(filename, output);
}

/**
 * jose 6 is ESM-only, and Jest (run with --experimental-vm-modules for PGlite) refuses to
 * require a file from a "type": "module" package however it is transformed. Tests load this
 * CommonJS bundle of it instead (jest.config.js maps `jose` here); the services use jose itself.
 */
async function bundleJoseForJest(): Promise<void> {
  const entry = path.join(root, 'node_modules/jose/dist/webapi/index.js');
  await unlessFresh(JOSE_FOR_JEST, fingerprint([], ['jose', 'esbuild']), () => bundle(entry));
}

async function bundle(entry: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: JOSE_FOR_JEST,
    logLevel: 'error',
  });
}

async function main(): Promise<void> {
  await prismaGenerate();
  await codegen();
  await bundleJoseForJest();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
