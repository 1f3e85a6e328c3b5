/**
 * Generates what is derived from checked-in sources and not committed: each subgraph's Prisma
 * client (from prisma/schema/<name>.prisma) and typed resolvers (from its schema.graphql).
 * Runs before start and test.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';

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

async function codegen(): Promise<void> {
  const subgraphsDir = path.join(root, 'subgraphs');
  const generates: Record<string, object> = {};
  for (const name of fs.readdirSync(subgraphsDir).sort()) {
    const dir = path.join(subgraphsDir, name);
    if (!fs.existsSync(path.join(dir, 'schema.graphql'))) continue;
    generates[path.join(dir, 'src/generated/graphql.ts')] = {
      schema: path.join(dir, 'schema.graphql'),
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        contextType: '../context#Context',
        mappers: mappersOf(dir),
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        scalars: {
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
        },
      },
    };
  }
  await generate({ generates, silent: true, errorsOnly: true }, true);
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
