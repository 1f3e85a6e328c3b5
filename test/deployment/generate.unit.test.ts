import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm start` and `npm test` run `generate` first; it regenerates an output only when what it is
 * made from changed, so a warm start does not pay for Prisma's CLI. Run after pretest's own
 * generate, every output here is fresh: a second run must rewrite none of them.
 */

const root = path.join(__dirname, '../..');
const outputs = fs
  .readdirSync(path.join(root, 'subgraphs'))
  .filter((name) => fs.existsSync(path.join(root, 'subgraphs', name, 'schema.graphql')))
  .flatMap((name) => ['graphql.ts', 'prisma/client.ts'].map((file) => path.join(root, 'subgraphs', name, 'src/generated', file)));

test('a second generate over unchanged sources rewrites no generated file', () => {
  const generate = () => execFileSync(path.join(root, 'node_modules/.bin/tsx'), ['scripts/generate.ts'], { cwd: root, stdio: 'pipe' });
  generate();
  const before = outputs.map((file) => fs.statSync(file).mtimeMs);
  generate();
  expect(outputs.map((file) => fs.statSync(file).mtimeMs)).toEqual(before);
  expect(outputs.length).toBeGreaterThanOrEqual(10);
});
