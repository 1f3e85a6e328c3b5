/**
 * Three projects: `unit` (no database, *.unit.test.ts), `pglite` (every other test, on embedded
 * PGlite) and, when TEST_DATABASE_URL is set, `postgres` (the same tests on real PostgreSQL).
 * Types are checked by `tsc` in pretest, so ts-jest only transpiles.
 */
const transform = {
  '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
};

const common = {
  transform,
  // jose 6 is ESM-only: tests load the CommonJS bundle `npm run generate` makes of it.
  moduleNameMapper: {
    '^jose$': '<rootDir>/node_modules/.cache/community-resource-graph/jose.cjs',
    // Dynamic imports name their target with .js (TypeScript's node16 rule); the source is .ts.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  roots: [
    '<rootDir>/lib',
    '<rootDir>/gateway',
    '<rootDir>/schema',
    '<rootDir>/subgraphs',
    '<rootDir>/test',
    '<rootDir>/seed',
    '<rootDir>/scripts',
    '<rootDir>/bench',
  ],
};

/**
 * Tests whose subject is not the database engine run once: on PostgreSQL when it is there (CI),
 * otherwise on PGlite. The edge's tests (HTTP, cost, limits, logs, metrics, tracing, trusted
 * documents, the explorer, error bodies, the gateway, outages and drains) never take a path
 * that differs by engine, and their PostgreSQL-only parts (shared rate limits, pool metrics)
 * need PostgreSQL anyway. The stores' edge tests check SQL semantics, which PGlite (PostgreSQL
 * itself, compiled to WebAssembly) shares, and their races need PostgreSQL. The embedded mode
 * stays proven end to end: every other database test, each subgraph's gateway flows among
 * them, runs on both. This keeps the suite inside CI's 15 minutes on two cores.
 */
const ONE_ENGINE_TESTS = [
  '/test/e2e/(cors-browser|cost|edge|error-bodies|explorer|gateway|logs|metrics|outage|rate-limit|request-budget|tracing|trusted-documents)\\.test\\.ts$',
  // The gateway's request merging, and the scale seed's data (generated in Node, the same rows on either engine).
  '/test/scale/(inflight|seed)\\.test\\.ts$',
  // Fuzzed input meets the engine through the driver adapter's error classes: PostgreSQL's, the production engine, when CI has it.
  '/fuzz\\.test\\.ts$',
  '/subgraphs/[^/]+/test/store(-[a-z-]+)?\\.test\\.ts$',
  '/subgraphs/[^/]+/test/store/[^/]+\\.test\\.ts$',
  // Each subgraph's access matrix (who may read and do what, decided in access.ts), its
  // statement counts (batching), read views, OCDS export and demo data: what they check does
  // not differ by engine. Its gateway flows, workflows and races still run on both.
  '/subgraphs/[^/]+/test/(access|demo|housing-demo|procurement-batching|procurement-views|procurement-ocds)\\.test\\.ts$',
  // The benchmark's equal-work check compares answers, not engines.
  '/bench/test/equal-work\\.test\\.ts$',
];

const databaseProject = (kind) => ({
  ...common,
  displayName: kind,
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [
    '\\.unit\\.test\\.ts$',
    '/node_modules/',
    ...(kind === 'pglite' && process.env.TEST_DATABASE_URL ? ONE_ENGINE_TESTS : []),
  ],
  globalSetup: `<rootDir>/test/support/global-setup-${kind}.ts`,
  globalTeardown: `<rootDir>/test/support/global-teardown-${kind}.ts`,
  setupFiles: [`<rootDir>/test/support/env-${kind}.ts`],
});

module.exports = {
  // A margin for a loaded 2-core machine (two workers, PGlite in each); tests never assert times.
  testTimeout: 120000,
  // Files run in two worker processes, recycled when they grow: PGlite's WebAssembly memory
  // outlives a test file, and one process running the whole suite in band grew past 13 GB.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1500MB',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.test.ts'], setupFiles: ['<rootDir>/test/support/env-unit.ts'] },
    databaseProject('pglite'),
    ...(process.env.TEST_DATABASE_URL ? [databaseProject('postgres')] : []),
  ],
};
