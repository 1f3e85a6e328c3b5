/**
 * The Jest configuration StrykerJS runs (stryker.config.json): one flat project, since Stryker's
 * per-test coverage does not follow Jest `projects`. It runs the unit tests and each subgraph's
 * own tests on embedded PGlite: the rule modules are pure or reached through one subgraph, and
 * those tests kill their mutants in seconds, where the end-to-end tests (a whole seeded graph
 * per file) would take minutes per mutant on 2 cores. The PGlite image is migrated once per
 * Stryker worker instead of once per mutant. STRYKER_TESTS=unit keeps to the unit tests (seconds
 * per module for the shared lib/ rules, whose unit tests cover them).
 */
const { projects, testTimeout } = require('./jest.config.js');

const pglite = projects.find((project) => project.displayName === 'pglite');
const unitOnly = process.env.STRYKER_TESTS === 'unit';

module.exports = {
  ...pglite,
  displayName: undefined,
  testTimeout,
  testMatch: ['**/*.unit.test.ts', ...(unitOnly ? [] : ['<rootDir>/subgraphs/*/test/**/*.test.ts'])],
  testPathIgnorePatterns: ['/node_modules/'],
  // The unit tests need no database: no PGlite image to migrate when a worker (re)starts.
  globalSetup: unitOnly ? undefined : '<rootDir>/test/support/global-setup-stryker.ts',
  globalTeardown: undefined,
};
