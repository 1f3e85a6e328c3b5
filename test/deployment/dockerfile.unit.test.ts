import fs from 'node:fs';
import path from 'node:path';
import { APP_UID, HEALTHCHECK_SCRIPT, containerCommand, healthcheckCommand } from '../../scripts/containers';
import { dockerfileStages, execForm, root, type Stage } from './deployment-files';

/**
 * The Dockerfile, read as docker reads it (no daemon here): its stages, what the final image
 * carries and how it runs. container-signals.unit.test.ts runs its CMD.
 */

const stages = dockerfileStages();
const final = stages.at(-1)!;
const stageNamed = (name: string) => stages.find((s) => s.name === name);
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const last = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword).at(-1);

/** `npm ci`/`npm install` commands in a RUN line, each as its words. */
const npmInstalls = (stage: Stage) =>
  runs(stage)
    .flatMap((line) => line.split(/&&|;/))
    .map((command) => command.trim().split(/\s+/))
    .filter((words) => words[0] === 'npm' && ['ci', 'install', 'i'].includes(words[1]!));
const installsDevDependencies = (stage: Stage) => npmInstalls(stage).some((words) => !words.includes('--omit=dev'));

/** The stages whose files the final stage copies (COPY --from=NAME), with what it copies. */
const copiedFrom = final.instructions
  .filter((i) => i.keyword === 'COPY')
  .flatMap((i) => {
    const from = /--from=(\S+)/.exec(i.args)?.[1];
    return from ? [{ stage: stageNamed(from), source: i.args.replace(/--\S+\s*/g, '').split(/\s+/)[0]! }] : [];
  });

test('builds in stages and starts the final one from the base image, not from a build stage', () => {
  expect(stages.length).toBeGreaterThanOrEqual(2);
  expect(stages.slice(0, -1).every((s) => s.name)).toBe(true);
  expect(stages.map((s) => s.name)).not.toContain(final.from);
});

test('installs production dependencies only into the final image', () => {
  // The final stage installs nothing itself: it copies node_modules from a production-only install.
  expect(npmInstalls(final)).toEqual([]);
  const modules = copiedFrom.filter((c) => c.source.endsWith('node_modules'));
  expect(modules).toHaveLength(1);
  expect(npmInstalls(modules[0]!.stage!)).toEqual([expect.arrayContaining(['npm', 'ci', '--omit=dev'])]);
  // A stage with devDependencies may hand over files, but its node_modules must be gone first.
  for (const { stage } of copiedFrom.filter((c) => c.stage && installsDevDependencies(c.stage))) {
    expect(runs(stage!).at(-1)).toMatch(/rm -rf node_modules$/);
  }
});

test('generates the Prisma clients and typed resolvers in a build stage whose output reaches the image', () => {
  const builders = stages.filter((s) => runs(s).some((line) => /\bnpm run generate\b/.test(line)));
  expect(builders).toHaveLength(1);
  expect(installsDevDependencies(builders[0]!)).toBe(true);
  expect(copiedFrom.map((c) => c.stage)).toContain(builders[0]);
});

test('runs as the non-root user the manifests name, in production mode', () => {
  const user = last('USER')?.args ?? 'root';
  expect(user).not.toMatch(/^(root|0)(:|$)/);
  expect(user).toBe(`${APP_UID}:${APP_UID}`);
  expect(final.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args)).toContain('NODE_ENV=production');
});

test("checks its health with the image's readiness script, which it contains", () => {
  const check = last('HEALTHCHECK')!.args;
  const [, options = '', exec = ''] = /^((?:--\S+\s+)*)CMD\s+(.*)$/.exec(check) ?? [];
  expect(options).toMatch(/--interval=\S+/);
  expect(execForm(exec)).toEqual(healthcheckCommand());
  expect(fs.existsSync(path.join(root, HEALTHCHECK_SCRIPT))).toBe(true);
  expect(fs.readFileSync(path.join(root, HEALTHCHECK_SCRIPT), 'utf8')).toContain('/ready');
});

test('starts the gateway with node itself, in exec form (no shell, no npm between docker and node)', () => {
  expect(execForm(last('CMD')!.args)).toEqual(containerCommand.gateway());
  expect(last('ENTRYPOINT')).toBeUndefined();
});

test('.dockerignore keeps host installs, generated code, history and tests out of the build context', () => {
  const ignored = fs
    .readFileSync(path.join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', '**/src/generated', '.git', '.data', 'test', 'bench']));
  // What the image runs must not be ignored.
  for (const needed of ['deploy', HEALTHCHECK_SCRIPT, 'gateway', 'lib', 'subgraphs', 'scripts', 'prisma', 'schema', 'documents'])
    expect(ignored).not.toContain(needed);
});
