// The linters `npm test` runs (issue 21): typescript-eslint's type-aware recommended rules, the
// architecture's import rules, and graphql-eslint's schema rules on every subgraph's SDL.
// Formatting is Prettier's (.prettierrc.json); eslint-config-prettier turns off what it owns.
import graphql from '@graphql-eslint/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import importX from 'eslint-plugin-import-x';
import fs from 'node:fs';
import tseslint from 'typescript-eslint';

const subgraphNames = fs
  .readdirSync('subgraphs', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** DESIGN.md, Import rules: what each part may never import. Tests may seed other parts. */
const importZones = [
  { target: './lib', from: ['./gateway', './subgraphs', './scripts', './seed', './bench'], message: 'lib/ imports no service.' },
  { target: './gateway', from: './subgraphs', except: ['./index.ts'], message: "The gateway imports no subgraph's code, only the list." },
  { target: './subgraphs/index.ts', from: './subgraphs', except: ['./index.ts'], message: 'The list of subgraphs is data: it imports no subgraph.' },
  ...subgraphNames.map((name) => ({
    target: `./subgraphs/${name}`,
    from: './subgraphs',
    except: [`./${name}`, './index.ts'],
    message: "A subgraph imports no other subgraph's code: ask it through the graph (lib/peers.ts).",
  })),
];

export default defineConfig(
  { ignores: ['node_modules/', '**/generated/', '.data/', 'reports/', '.stryker-tmp/', 'coverage/', 'bench/results/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['lib/**/*.ts', 'gateway/**/*.ts', 'subgraphs/**/*.ts'],
    ignores: ['**/test/**', '**/*.test.ts'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: importZones }] },
  },
  ...subgraphNames.map((name) => ({
    files: [`subgraphs/${name}/schema.graphql`],
    languageOptions: {
      parser: graphql.parser,
      parserOptions: { graphQLConfig: { schema: [`subgraphs/${name}/schema.graphql`, 'schema/federation-directives.graphql'] } },
    },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      '@graphql-eslint/require-description': [
        'error',
        { types: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true, DirectiveDefinition: true },
      ],
      ...graphql.configs['flat/schema-relay'].rules,
    },
  })),
  prettier,
);
