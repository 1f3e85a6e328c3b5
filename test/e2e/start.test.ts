import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, databaseKind, dropTestDatabase, testDatabaseUrl } from '../support/database';
import type { Database } from '../../lib/runtime/db';
import { subgraphs } from '../../subgraphs';

// Every subgraph of the list on a free port, so runs on both databases at once never collide.
const subgraphPorts = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, '0']));

/**
 * `npm start` as a newcomer runs it: from an empty data directory (or, in the postgres project,
 * against DATABASE_URL), answering through the gateway; a second start reuses the data.
 */

const root = path.resolve(__dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-start-'));
let database: Database | undefined;
let databaseUrl: string | undefined;

beforeAll(async () => {
  if (databaseKind() === 'postgres') {
    database = await createTestDatabase();
    databaseUrl = testDatabaseUrl(database);
  }
});

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (database) await dropTestDatabase(database);
});

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    GATEWAY_PORT: '0',
    ...subgraphPorts,
    ...extra,
  };
  delete env.NODE_OPTIONS;
  delete env.JWT_SECRET;
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

interface Started {
  child: ChildProcess;
  /** The URL the process announced. */
  url: string;
  output: () => string;
}

/** Spawns a command in its own process group and resolves once its output shows `pattern`'s URL. */
function spawnUntil(command: string[], extra: Record<string, string>, pattern: RegExp, timeoutMs = 180_000): Promise<Started> {
  const child = spawn(command[0]!, command.slice(1), { cwd: root, env: environment(extra), detached: true });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command.join(' ')} announced no URL:\n${output}`)), timeoutMs);
    const poll = setInterval(() => {
      const match = pattern.exec(output);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${command.join(' ')} exited with ${code} before serving:\n${output}`));
    });
  });
}

const npmStart = () => spawnUntil(['npm', 'start'], {}, /Gateway:\s+(http:\/\/\S+)/);

/** A service alone, as the npm scripts start it (Node with tsx's loader), logging its URL as JSON at info level. */
const service = (args: string[], extra: Record<string, string>, pattern: RegExp) =>
  spawnUntil([process.execPath, '--import', 'tsx', ...args], { LOG_LEVEL: 'info', ...extra }, pattern, 120_000);

/** Ctrl-C as a terminal sends it: SIGINT to the whole process group. Resolves with the exit code. */
function stop(started: Started): Promise<number | string | null> {
  const { child } = started;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    // 'close' waits for every process holding the output pipes, so the launcher's last words are in.
    child.on('close', (code, signal) => resolve(code ?? signal));
    process.kill(-child.pid!, 'SIGINT');
  });
}

async function ask(url: string, query: string, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

test('boots from nothing with the demo city, mints a working token, and a second start reuses the data', async () => {
  const first = await npmStart();
  let stopped = false;
  try {
    const demo = await ask(
      first.url,
      '{ communities(filter: { within: "510105000000" }) { totalCount } area(code: "510105001001") { name } }',
    );
    expect(demo.errors).toBeUndefined();
    expect(demo.data).toEqual({ communities: { totalCount: 20 }, area: { name: '清波社区' } });

    const minted = spawnSync('npm', ['run', '-s', 'token', '--', '--role', 'CITY_ADMIN', '--area', '510100000000'], {
      cwd: root,
      env: environment(),
      encoding: 'utf8',
    });
    expect(minted.status).toBe(0);
    const token = minted.stdout.trim();
    const update = await ask(
      first.url,
      'mutation { updateCommunity(input: { code: "510105001001", expectedVersion: 1, households: 2345 }) { community { households } } }',
      token,
    );
    expect(update.errors).toBeUndefined();
    expect(update.data.updateCommunity.community.households).toBe(2345);

    const code = await stop(first);
    stopped = true;
    // npm re-raises the SIGINT it forwarded; the launcher itself must have stopped cleanly.
    expect(['SIGINT', 0]).toContain(code);
    expect(first.output()).toContain('Stopped cleanly.');
  } finally {
    if (!stopped) await stop(first);
  }

  const second = await npmStart();
  try {
    const again = await ask(second.url, '{ communities { totalCount } community(code: "510105001001") { households } }');
    expect(again.data.community.households).toBe(2345);
    expect(again.data.communities.totalCount).toBe(130);
    expect(second.output()).not.toMatch(/migrations applied/);
  } finally {
    await stop(second);
  }
}, 480_000);

test('a subgraph runs alone on the migrated database, and the gateway alone finds it by <NAME>_URL', async () => {
  const subgraph = await service(['scripts/start-subgraph.ts', 'communities'], {}, /"url":"(http:[^"]+)".*communities subgraph listening/);
  try {
    const gateway = await service(['gateway/src/index.ts'], { COMMUNITIES_URL: subgraph.url }, /"url":"(http:[^"]+)".*gateway listening/);
    try {
      const answer = await ask(gateway.url, '{ area(code: "510107001001") { name parent { name } } }');
      expect(answer).toEqual({ data: { area: { name: '吉福社区', parent: { name: '晋阳街道' } } } });
    } finally {
      await stop(gateway);
    }
  } finally {
    await stop(subgraph);
  }
}, 240_000);

test('a port already in use is one clear line, not a stack trace', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = String((blocker.address() as net.AddressInfo).port);
  try {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      env: environment({ GATEWAY_PORT: port }),
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Cannot start: gateway: port ${port} on 127.0.0.1 is already in use`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  } finally {
    blocker.close();
  }
}, 240_000);

test('an invalid setting stops start-up naming the variable', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: environment({ GATEWAY_PORT: 'eighty' }),
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Cannot start: Invalid GATEWAY_PORT="eighty"');
});
