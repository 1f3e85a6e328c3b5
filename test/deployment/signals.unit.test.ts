import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The long-running services must stop cleanly on Ctrl-C (SIGINT to the process group) and on the
 * SIGTERM that docker and Kubernetes send, even while their event loop is busy. tsx's CLI fails
 * that: it relays a signal to its child and SIGKILLs the child when the child does not acknowledge
 * within about 60 ms, so a service in the middle of a PGlite statement died without shutting down.
 * The npm scripts therefore run Node with tsx's loader (`node --import tsx`) and no relaying parent.
 */

const root = path.resolve(__dirname, '../..');
const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const fixture = 'test/deployment/fixtures/busy-until-signal.ts';

/** The script's command with its entry file swapped for the busy fixture (`node --import tsx scripts/start.ts` → `node --import tsx <fixture>`). */
function runnerOf(name: string): string[] {
  const words = scripts[name]!.trim().split(/\s+/);
  const entry = words.findIndex((word) => word.endsWith('.ts'));
  expect(entry).toBeGreaterThan(0);
  return [...words.slice(0, entry), fixture];
}

function runAndSignal(command: string[], signal: NodeJS.Signals): Promise<{ code: number | null; output: string }> {
  const [file, ...args] = command;
  const child = spawn(file === 'node' ? process.execPath : path.join(root, 'node_modules/.bin', file!), args, {
    cwd: root,
    detached: true,
  });
  let output = '';
  let sent = false;
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!sent && output.includes('ready')) {
        sent = true;
        // A second into the first busy stretch, as an operator's Ctrl-C or a rollout would arrive.
        setTimeout(() => process.kill(-child.pid!, signal), 1000);
      }
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

test.each([
  ['start', 'SIGINT'],
  ['start:subgraph', 'SIGTERM'],
  ['start:gateway', 'SIGTERM'],
] as const)(
  'npm run %s lets a busy service stop cleanly on %s',
  async (name, signal) => {
    const { code, output } = await runAndSignal(runnerOf(name), signal);
    expect(output).toContain(`stopped cleanly on ${signal}`);
    expect(code).toBe(0);
  },
  30_000,
);
