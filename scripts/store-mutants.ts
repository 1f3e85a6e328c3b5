/**
 * Hand mutants of the stores (issue 21): each a small realistic bug written down in
 * `subgraphs/<name>/test/store-mutants.json`, applied alone, its tests run on the databases,
 * the file restored. Stryker is too slow over the database tier on two cores; these are the
 * store modules' mutation score. Usage: `npm run mutate:stores -- [subgraph…] [--only N]`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

interface Mutant {
  file: string;
  find: string;
  replace: string;
  bug: string;
  tests: string[];
  /** Also run the tests on PostgreSQL (locks and races). */
  postgres?: boolean;
}

type Outcome = 'killed' | 'survived' | 'broken';

const root = path.resolve(__dirname, '..');

function mutantsOf(subgraph: string): Mutant[] {
  const file = path.join(root, 'subgraphs', subgraph, 'test/store-mutants.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Mutant[]) : [];
}

/** Runs the tests; `broken` when a suite failed to load, which says nothing about the bug. */
function runTests(tests: string[], postgres: boolean): { passed: boolean; loadFailed: boolean } {
  const projects = postgres && process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  const result = spawnSync('npx', ['jest', '--selectProjects', ...projects, '--bail', '--', ...tests], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout}${result.stderr}`;
  return { passed: result.status === 0, loadFailed: /Test suite failed to run/.test(output) };
}

function occurrences(text: string, find: string): number {
  return text.split(find).length - 1;
}

function judge(mutant: Mutant): Outcome {
  const file = path.join(root, mutant.file);
  const original = fs.readFileSync(file, 'utf8');
  if (occurrences(original, mutant.find) !== 1) throw new Error(`${mutant.file}: "${mutant.find}" must occur exactly once`);
  const restore = () => fs.writeFileSync(file, original);
  process.once('SIGINT', restore);
  try {
    fs.writeFileSync(
      file,
      original.replace(mutant.find, () => mutant.replace),
    );
    const run = runTests(mutant.tests, mutant.postgres === true);
    if (run.passed) return 'survived';
    return run.loadFailed ? 'broken' : 'killed';
  } finally {
    restore();
    process.removeListener('SIGINT', restore);
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? Number(args.splice(onlyAt, 2)[1]) : undefined;
  const names = args.length > 0 ? args : fs.readdirSync(path.join(root, 'subgraphs')).filter((n) => mutantsOf(n).length > 0);
  const scores = new Map<string, { killed: number; total: number }>();
  let broken = 0;
  for (const name of names) {
    const mutants = mutantsOf(name);
    if (mutants.length === 0) throw new Error(`subgraphs/${name}/test/store-mutants.json holds no mutants`);
    const chosen = only === undefined ? mutants.map((m, i) => [i, m] as const) : [[only, mutants[only]!] as const];
    // A red baseline would count every mutant as killed.
    const baseline = [...new Set(chosen.flatMap(([, m]) => m.tests))];
    if (
      !runTests(
        baseline,
        chosen.some(([, m]) => m.postgres === true),
      ).passed
    )
      throw new Error(`${name}: the tests fail without any mutant`);
    for (const [index, mutant] of chosen) {
      const outcome = judge(mutant);
      console.log(`${outcome.padEnd(8)} ${name}#${index} ${path.basename(mutant.file)}: ${mutant.bug}`);
      if (outcome === 'broken') {
        broken += 1;
        continue;
      }
      const score = scores.get(mutant.file) ?? { killed: 0, total: 0 };
      score.total += 1;
      if (outcome === 'killed') score.killed += 1;
      scores.set(mutant.file, score);
    }
  }
  console.log('\nmodule | killed | total | score');
  for (const [file, { killed, total }] of scores) console.log(`${file} | ${killed} | ${total} | ${((100 * killed) / total).toFixed(1)}%`);
  if (broken > 0) {
    console.log(`${broken} mutant(s) did not load: fix them so they are realistic bugs, not syntax errors`);
    process.exitCode = 1;
  }
}

main();
