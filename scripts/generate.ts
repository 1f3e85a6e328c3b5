/**
 * Generates what is derived from checked-in sources and not committed: each subgraph's Prisma
 * client (from prisma/schema/<name>.prisma) and typed resolvers (from its schema.graphql).
 * Runs before start and test.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { codegen as codegenCore } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as resolversPlugin from '@graphql-codegen/typescript-resolvers';
import { buildASTSchema, parse } from 'graphql';

const root = path.resolve(__dirname, '..');
const JOSE_FOR_JEST = path.join(root, 'node_modules/.cache/community-resource-graph/jose.cjs');

function prismaGenerate(): void {
  const dir = path.join(root, 'prisma/schema');
  const prismaCli = path.join(root, 'node_modules/prisma/build/index.js');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.prisma')).sort()) {
    // generate never runs the schema engine, but the CLI looks for one first: any file will do.
    execFileSync(process.execPath, [prismaCli, 'generate', '--schema', path.join(dir, file)], {
      cwd: root,
      stdio: 'pipe',
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
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
    // Federation directives are not declared in the SDL; codegen reads them off the AST.
    const document = parse(fs.readFileSync(sdlPath, 'utf8'));
    const filename = path.join(dir, 'src/generated/graphql.ts');
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
}

/**
 * jose 6 is ESM-only, and Jest (run with --experimental-vm-modules for PGlite) refuses to
 * require a file from a "type": "module" package however it is transformed. Tests load this
 * CommonJS bundle of it instead (jest.config.js maps `jose` here); the services use jose itself.
 */
async function bundleJoseForJest(): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(root, 'node_modules/jose/dist/webapi/index.js')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: JOSE_FOR_JEST,
    logLevel: 'error',
  });
}

async function main(): Promise<void> {
  prismaGenerate();
  await codegen();
  await bundleJoseForJest();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
