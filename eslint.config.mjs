// The linters `npm test` runs (issue 21): typescript-eslint's type-aware recommended rules, the
// architecture's import rules, and graphql-eslint's schema rules on every subgraph's SDL.
// Formatting is Prettier's (.prettierrc.json); eslint-config-prettier turns off what it owns.
import graphql from '@graphql-eslint/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import fs from 'node:fs';
import tseslint from 'typescript-eslint';

const subgraphNames = fs
  .readdirSync('subgraphs', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** DESIGN.md, Import rules: what each part may never import. Tests may seed other parts. */
const importZones = [
  { target: './lib', from: ['./gateway', './subgraphs', './scripts', './seed', './bench'], message: 'lib/ imports no service.' },
  // lib/ by layer: the kernel is the domain's vocabulary and depends on no other layer; the
  // build tools (composition, schema changes) run at build time only, so nothing that serves imports them.
  { target: './lib/kernel', from: ['./lib/runtime', './lib/edge', './lib/build'], message: 'The kernel imports no other layer of lib/.' },
  {
    target: ['./lib/runtime', './lib/edge', './gateway', './subgraphs'],
    from: './lib/build',
    message: 'Build-time tools are imported by scripts only.',
  },
  { target: './gateway', from: './subgraphs', except: ['./index.ts'], message: "The gateway imports no subgraph's code, only the list." },
  {
    target: './subgraphs/index.ts',
    from: './subgraphs',
    except: ['./index.ts'],
    message: 'The list of subgraphs is data: it imports no subgraph.',
  },
  ...subgraphNames.map((name) => ({
    target: `./subgraphs/${name}`,
    from: './subgraphs',
    except: [`./${name}`, './index.ts'],
    message: "A subgraph imports no other subgraph's code: ask it through the graph (lib/runtime/peers.ts).",
  })),
];

/**
 * One graphql-config project per subgraph: its SDL plus the Federation directives it uses.
 * graphql-eslint keeps the first graphql-config it loads for the whole process, so the projects
 * are given together (each file finds its own by path), not one config per file, which would lint
 * every subgraph after the first against the first's schema.
 */
const subgraphSchemas = {
  projects: Object.fromEntries(
    subgraphNames.map((name) => [name, { schema: [`subgraphs/${name}/schema.graphql`, 'schema/federation-directives.graphql'] }]),
  ),
};

/**
 * graphql-eslint's relay-edge-types likewise keeps the edge types of the first schema it sees
 * for the process (except under NODE_ENV=test): compute them for each file's own schema, so the
 * command line and the test (which runs under Jest's NODE_ENV=test) report the same.
 */
const relayEdgeTypes = graphql.rules['relay-edge-types'];
const graphqlPerSchema = {
  ...graphql,
  rules: {
    ...graphql.rules,
    'relay-edge-types': {
      ...relayEdgeTypes,
      create(context) {
        const nodeEnv = process.env.NODE_ENV;
        process.env.NODE_ENV = 'test';
        try {
          return relayEdgeTypes.create(context);
        } finally {
          if (nodeEnv === undefined) delete process.env.NODE_ENV;
          else process.env.NODE_ENV = nodeEnv;
        }
      },
    },
  },
};

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
    // The rule judges resolved files: without a resolver that knows .ts, no import resolves and
    // no zone could ever be broken.
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: importZones }] },
  },
  {
    files: ['subgraphs/*/schema.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: subgraphSchemas } },
    plugins: { '@graphql-eslint': graphqlPerSchema },
    rules: {
      // A schema read by front-end teams describes every type, field, argument, input field,
      // enum value and directive it declares.
      '@graphql-eslint/require-description': [
        'error',
        { types: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true, DirectiveDefinition: true },
      ],
      // Relay's connection rules, set to what the graph claims: Connection types with
      // `edges: [XEdge!]!` and `pageInfo: PageInfo!`; PageInfo with all four fields of the spec.
      ...graphql.configs['flat/schema-relay'].rules,
      // The graph paginates forward only (`first`, `after`): every list is a feed read from its
      // start, and the cursors are keyset positions that only go forward. Relay's
      // usePaginationFragment needs only the forward pair for loadNext; backward arguments would
      // be a promise the resolvers do not keep.
      '@graphql-eslint/relay-arguments': ['error', { includeBoth: false }],
      '@graphql-eslint/relay-edge-types': [
        'error',
        {
          // Every edge type is named <Node>Edge, so a client's codegen and Relay's
          // @connection handler can tell edges from other objects by name.
          withEdgeSuffix: true,
          // The graph does not implement Relay's Global Object Identification (a Node interface
          // and Query.node(id:)): entities are identified by their Federation keys (a division
          // code, an id), and a connection's edges need no Node to paginate.
          shouldImplementNode: false,
          // Small lists bounded by the domain stay plain lists, each with its @listSize: an
          // area's ancestors (at most 4), a viewer's roles, a facility's opening hours, a
          // premises' sign-offs (2), an inspection's defects (7). Paginating them would only add
          // round trips; whatever can grow without bound is a connection.
          listTypeCanWrapOnlyEdgeType: false,
        },
      ],
    },
  },
  prettier,
);
