import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { subgraphsWithCode } from '../../scripts/subgraph-code';
import { subgraphs } from '../../subgraphs';

/**
 * The one list of subgraphs is data: the gateway's deployable reads it for names and ports and
 * loads no subgraph's code (server, store, generated Prisma client, seed), and a subgraph's own
 * entry loads its code alone. Checked in a fresh process, where require.cache is the truth.
 */

const root = path.join(__dirname, '../..');

function modulesLoadedBy(script: string): string[] {
  const output = execFileSync(path.join(root, 'node_modules/.bin/tsx'), ['-e', script], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(output.trim().split('\n').at(-1)!) as string[]).map((file) => path.relative(root, file));
}

const subgraphCode = (files: string[]) => files.filter((file) => /^(subgraphs\/[^/]+\/(src|prisma)\/|seed\/)/.test(file));

test('the gateway, with the list of subgraphs, loads no module of any subgraph', () => {
  const loaded = modulesLoadedBy(`
    require('./gateway/src/server');
    const { subgraphDefaults } = require('./subgraphs');
    subgraphDefaults();
    console.log(JSON.stringify(Object.keys(require.cache)));
  `);
  expect(loaded).toContain('gateway/src/server.ts');
  expect(loaded).toContain('subgraphs/index.ts');
  expect(subgraphCode(loaded)).toEqual([]);
});

test("the launcher loading one subgraph loads its own code and seed, the shared demo data, and no other subgraph's", () => {
  const loaded = modulesLoadedBy(`
    require('./scripts/subgraph-code').loadSubgraph('organizations').then(() => console.log(JSON.stringify(Object.keys(require.cache))));
  `);
  expect(subgraphCode(loaded)).toEqual(
    expect.arrayContaining(['subgraphs/organizations/src/server.ts', 'subgraphs/organizations/prisma/seed.ts']),
  );
  const foreign = subgraphCode(loaded).filter((file) => !file.startsWith('subgraphs/organizations/'));
  // The demo city's shape is shared data, not another subgraph's code.
  expect(foreign.sort()).toEqual(['seed/demo-city.ts', 'seed/demo-organizations.ts', 'seed/random.ts']);
});

test("a subgraph's own entry loads its own server and no other subgraph's code", () => {
  const loaded = modulesLoadedBy(`
    require('./subgraphs/organizations/src/server');
    console.log(JSON.stringify(Object.keys(require.cache)));
  `);
  expect(loaded).toContain('subgraphs/organizations/src/server.ts');
  expect(subgraphCode(loaded).filter((file) => !file.startsWith('subgraphs/organizations/'))).toEqual([]);
});

test('the launcher knows the code of every subgraph in the list, and of no other', () => {
  expect([...subgraphsWithCode].sort()).toEqual(subgraphs.map((s) => s.name).sort());
});
