import { execFileSync } from 'node:child_process';
import path from 'node:path';

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

const subgraphCode = (files: string[]) => files.filter((file) => /^(subgraphs\/[^/]+\/src\/|prisma\/seed\/)/.test(file));

test('the gateway, with the list of subgraphs, loads no module of any subgraph', () => {
  const loaded = modulesLoadedBy(`
    require('./gateway/src/server');
    const { subgraphDefaults } = require('./subgraphs');
    subgraphDefaults();
    console.log(JSON.stringify(Object.keys(require.cache)));
  `);
  expect(loaded).toContain('gateway/src/server.ts');
  expect(subgraphCode(loaded)).toEqual([]);
});

test("loading one subgraph loads its own code and no other subgraph's", async () => {
  const loaded = modulesLoadedBy(`
    const { subgraphs } = require('./subgraphs');
    subgraphs.find((s) => s.name === 'organizations').load().then(() => console.log(JSON.stringify(Object.keys(require.cache))));
  `);
  const foreign = subgraphCode(loaded).filter((file) => !file.startsWith('subgraphs/organizations/') && file !== 'prisma/seed/organizations.ts');
  expect(subgraphCode(loaded)).toContain('subgraphs/organizations/src/server.ts');
  // The demo city's shape is shared data, not another subgraph's code.
  expect(foreign.filter((file) => !['prisma/seed/demo-city.ts', 'prisma/seed/random.ts'].includes(file))).toEqual([]);
});
