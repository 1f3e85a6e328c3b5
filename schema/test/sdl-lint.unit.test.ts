import path from 'node:path';
import { ESLint } from 'eslint';

/**
 * Issue 21: every subgraph's SDL passes graphql-eslint's schema rules as eslint.config.mjs sets
 * them: a description on every type, field, argument, input field, enum value and directive, and
 * Relay's connection rules as the graph claims them (forward pagination, <Node>Edge types, the
 * spec's four PageInfo fields). `npx eslint 'subgraphs/*\/schema.graphql'` reports the same.
 */
const root = path.resolve(__dirname, '../..');

describe("the subgraphs' SDL lint", () => {
  // eslint.config.mjs and graphql-config resolve the schema paths against the working directory.
  const previous = process.cwd();
  beforeAll(() => process.chdir(root));
  afterAll(() => process.chdir(previous));

  test('reports nothing on any subgraph schema', async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['subgraphs/*/schema.graphql']);
    expect(results.map((result) => path.relative(root, result.filePath)).sort()).toEqual(
      ['communities', 'facilities', 'housing', 'organizations', 'procurement'].map((name) => `subgraphs/${name}/schema.graphql`),
    );
    const problems = results.flatMap((result) =>
      result.messages.map((m) => `${path.relative(root, result.filePath)}:${m.line}:${m.column} ${m.ruleId ?? 'parse'}: ${m.message}`),
    );
    expect(problems).toEqual([]);
  });
});
