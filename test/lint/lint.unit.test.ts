import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';

/**
 * Issue 21: `npm test` runs the linters, and a violation fails it.
 * - The TypeScript: typescript-eslint's type-aware rules and the architecture's import rules
 *   (eslint.config.mjs), warnings included.
 * - Every subgraph's SDL: graphql-eslint's schema rules (a description on every type, field,
 *   argument, input field, enum value and directive; Relay's connection rules as the graph
 *   claims them).
 * - Formatting: Prettier (.prettierrc.json) over everything .prettierignore leaves in.
 * `npm run lint` reports the same from the command line.
 */
const root = path.resolve(__dirname, '../..');
const SUBGRAPHS = ['communities', 'facilities', 'housing', 'organizations', 'procurement'];

function problems(results: ESLint.LintResult[]): string[] {
  return results.flatMap((result) =>
    result.messages.map((m) => `${path.relative(root, result.filePath)}:${m.line}:${m.column} ${m.ruleId ?? 'parse'}: ${m.message}`),
  );
}

describe('the linters', () => {
  // eslint.config.mjs and graphql-config resolve paths against the working directory.
  const previous = process.cwd();
  beforeAll(() => process.chdir(root));
  afterAll(() => process.chdir(previous));

  test("every subgraph's SDL passes the schema rules", async () => {
    const results = await new ESLint({ cwd: root }).lintFiles(['subgraphs/*/schema.graphql']);
    expect(results.map((result) => path.relative(root, result.filePath)).sort()).toEqual(
      SUBGRAPHS.map((name) => `subgraphs/${name}/schema.graphql`),
    );
    expect(problems(results)).toEqual([]);
  });

  test('the TypeScript passes the type-aware rules and the import rules, every part of the tree linted', async () => {
    const results = await new ESLint({ cwd: root }).lintFiles(['**/*.ts']);
    const linted = new Set(results.map((result) => path.relative(root, result.filePath).split('/')[0]));
    expect([...linted].sort()).toEqual(
      expect.arrayContaining(['bench', 'gateway', 'lib', 'schema', 'scripts', 'seed', 'subgraphs', 'test']),
    );
    expect(problems(results)).toEqual([]);
    // Type-aware lint of the whole tree builds a TypeScript program: about a minute on a quiet 2-core machine.
  }, 600_000);

  test('the code is formatted as Prettier formats it', async () => {
    const prettier = path.join(root, 'node_modules/prettier/bin/prettier.cjs');
    // --list-different exits 1 and names the files when some differ, 2 when it cannot run at all.
    const run = await promisify(execFile)(process.execPath, [prettier, '--list-different', '.'], { cwd: root }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { stdout?: string; code?: number }) => ({ code: error.code, stdout: error.stdout ?? '' }),
    );
    expect({ code: run.code, unformatted: run.stdout.split('\n').filter(Boolean) }).toEqual({ code: 0, unformatted: [] });
  }, 300_000);
});
