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
    rules: {
      // Apollo's plugin hooks and our interfaces are typed to return Promises: an async method
      // without an await is how such a hook says it has nothing to wait for.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore names what is there to be skipped (a positional parameter, a property left out of a rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read untyped JSON answers from real servers and assert on their shape: `any` is
    // what a response body is there, and a wrong guess fails the assertion, not production.
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // An async request handler of a test server: a rejection there fails the test anyway.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
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
