import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STOP_GRACE_SECONDS, healthcheckCommand } from '../../scripts/containers';
import { subgraphs } from '../../subgraphs';
import { composeFile, dockerfileStages, execForm, manifestObjects, root } from './deployment-files';

/**
 * A container stops the way docker and Kubernetes stop it: SIGTERM to its first process only,
 * SIGKILL when the grace period ends. This runs the image's real command lines on the host (the
 * Dockerfile's CMD for the gateway, docker-compose.yml's and the manifests' for a subgraph and
 * the migration) as that first process, in embedded mode, and checks each service shuts down by
 * itself: exit code 0, its shutdown log line, no process of its group left behind.
 * `npm run start:gateway` as the command failed here: npm exited on SIGTERM without passing it
 * on, and node went on serving, orphaned.
 */

const finalStage = dockerfileStages().at(-1)!;
const instruction = (keyword: string) => finalStage.instructions.filter((i) => i.keyword === keyword).at(-1);
const imageCommand = execForm(instruction('CMD')!.args);

const SUBGRAPH = 'communities';
const composeCommand = (service: string) => composeFile().services?.[service]?.command as string[];
const podSpec = (name: string) => manifestObjects().find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.spec;

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-container-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** The environment a container of the image gets (Dockerfile ENV, compose/manifest env), on free ports. */
function containerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _jestFlags, ...host } = process.env;
  return {
    ...host,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    JWT_SECRET: 'container-signals-test-secret-0123456789',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

function executable(file: string): string {
  return file === 'node' ? process.execPath : file;
}

/** Whether any process of the group (the service and whatever it started) is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  shutdownLogged: boolean;
  leftBehind: boolean;
  healthy: number | null;
}

/**
 * Starts `command` as a container would (its own process group, as PID 1 has its own session),
 * waits for its "listening" line, runs the image's health check against it, sends SIGTERM to that
 * one process and waits out the grace period before a SIGKILL, as the orchestrator does.
 */
async function runAndStop(command: string[], env: NodeJS.ProcessEnv): Promise<Stopped> {
  const [file, ...args] = command;
  const child = spawn(executable(file!), args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const look = () => {
      const listening = /"url":"http:\/\/[^"]*:(\d+)\/graphql"/.exec(output);
      if (listening) resolve(Number(listening[1]));
    };
    child.stdout.on('data', look);
    void exited.then(() => reject(new Error(`exited before listening:\n${output}`)));
  });
  const healthy = spawnSync(process.execPath, healthcheckCommand(port).slice(1), { cwd: root, env }).status;

  child.kill('SIGTERM');
  let killed = false;
  const deadline = setTimeout(() => {
    killed = true;
    process.kill(-child.pid!, 'SIGKILL');
  }, STOP_GRACE_SECONDS * 1000);
  const { code, signal } = await exited;
  clearTimeout(deadline);
  // The service's children (tsx's esbuild) go when it closes their pipes; give them a moment.
  for (let i = 0; i < 20 && groupAlive(child.pid!); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  const leftBehind = groupAlive(child.pid!);
  if (leftBehind) process.kill(-child.pid!, 'SIGKILL');
  const shutdownLogged = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .some((line) => {
      const entry = JSON.parse(line) as { msg?: string; signal?: string };
      return entry.msg === 'shutting down' && entry.signal === 'SIGTERM';
    });
  return { code: killed ? null : code, signal, output, shutdownLogged, leftBehind, healthy };
}

test('the image, docker-compose.yml and the manifests start node itself, with one command per service', () => {
  expect(imageCommand[0]).toBe('node');
  expect(podSpec('gateway').containers[0].command).toEqual(imageCommand);
  expect(composeCommand('gateway')).toEqual(imageCommand);
  expect(podSpec(SUBGRAPH).containers[0].command).toEqual(composeCommand(SUBGRAPH));
  expect(podSpec(SUBGRAPH).initContainers[0].command).toEqual(composeCommand('migrate'));
  for (const command of [composeCommand(SUBGRAPH), composeCommand('migrate')]) expect(command[0]).toBe('node');
});

test('the migration command migrates the database and exits 0', () => {
  const migrate = composeCommand('migrate');
  const run = spawnSync(executable(migrate[0]!), migrate.slice(1), { cwd: root, env: containerEnv({}), encoding: 'utf8' });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  expect(run.stdout).toMatch(/^Applied \d{14}_/);
});

test(`a subgraph's container command (${SUBGRAPH}) is healthy, then stops cleanly on SIGTERM within the grace period`, async () => {
  const stopped = await runAndStop(composeCommand(SUBGRAPH), containerEnv({ [`${SUBGRAPH.toUpperCase()}_PORT`]: '0' }));
  expect({ healthy: stopped.healthy, code: stopped.code, shutdownLogged: stopped.shutdownLogged, leftBehind: stopped.leftBehind }).toEqual({
    healthy: 0,
    code: 0,
    shutdownLogged: true,
    leftBehind: false,
  });
});

test("the image's command (the gateway) stops cleanly on SIGTERM within the grace period", async () => {
  // Its subgraphs are at a closed port, so the gateway is alive but not ready: the image's health check says so.
  const nowhere = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_URL`, 'http://127.0.0.1:1/graphql']));
  const stopped = await runAndStop(imageCommand, containerEnv({ GATEWAY_PORT: '0', ...nowhere }));
  expect({ healthy: stopped.healthy, code: stopped.code, shutdownLogged: stopped.shutdownLogged, leftBehind: stopped.leftBehind }).toEqual({
    healthy: 1,
    code: 0,
    shutdownLogged: true,
    leftBehind: false,
  });
});
