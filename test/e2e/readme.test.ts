import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGraph, type TestGraph } from '../support/graph';
import { TEST_SECRET } from '../support/tokens';

/**
 * The README's examples run (issue 20): every `sh` block with a curl is run in bash, as a new
 * user would paste it, against a graph seeded with the demo city as `npm start` seeds it. The
 * only changes are the ones the README itself implies: the graph's real addresses for
 * 127.0.0.1:4000/4004/4005, and the token command reading the graph's secret (JWT_SECRET). Each
 * request's answer must be a 200 and, from the graph, carry data and no errors.
 */

const root = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((block) => /^\s*[^#\n]*\bcurl\b/m.test(block));

/** Every curl the block runs is recorded: its arguments, status and body, one file each. */
const PRELUDE = `set -euo pipefail
curl() {
  local f
  f=$(mktemp "$OUT/call.XXXXXX")
  printf '%s\\n' "$*" > "$f.args"
  command curl -sS -o "$f.body" -w '%{http_code}' "$@" > "$f.status"
  cat "$f.body"
}
`;

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

const origin = (url: string) => new URL(url).origin;

interface Call {
  args: string;
  status: string;
  body: string;
}

/** Runs a block in bash; asynchronously, since the graph answering it runs in this process. */
async function run(block: string): Promise<{ code: number; output: string; calls: Call[] }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-readme-'));
  try {
    const script = block
      .replaceAll('http://127.0.0.1:4000/graphql', graph.gatewayUrl)
      .replaceAll('http://127.0.0.1:4004', origin(graph.subgraphUrls.procurement!))
      .replaceAll('http://127.0.0.1:4005', origin(graph.subgraphUrls.facilities!));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, OUT: out, JWT_SECRET: TEST_SECRET, DATA_DIR: out };
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile('bash', ['-c', PRELUDE + script], { cwd: root, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` });
      });
    });
    const calls = fs
      .readdirSync(out)
      .filter((name) => name.endsWith('.args'))
      .map((name) => {
        const base = path.join(out, name.slice(0, -'.args'.length));
        return {
          args: fs.readFileSync(`${base}.args`, 'utf8'),
          status: fs.readFileSync(`${base}.status`, 'utf8'),
          body: fs.readFileSync(`${base}.body`, 'utf8'),
        };
      });
    return { ...result, calls };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

test('the README has its curl examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(6);
});

test.each(
  blocks.map((block) => [
    block
      .split('\n')
      .find((line) => line.trim() !== '')!
      .slice(0, 90),
    block,
  ]),
)('%s', async (_, block) => {
  const { code, output, calls } = await run(block);
  expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });
  // Every curl line of the block ran (a line may hold a curl inside $(…)).
  const curlLines = block.split('\n').filter((line) => /^[^#]*\bcurl -s\b/.test(line)).length;
  expect(calls.length).toBe(curlLines);
  for (const call of calls) {
    expect({ args: call.args, status: call.status }).toEqual({ args: call.args, status: '200' });
    expect(call.body.length).toBeGreaterThan(0);
    if (call.args.includes(graph.gatewayUrl)) {
      const answer = JSON.parse(call.body) as { data?: Record<string, unknown> | null; errors?: unknown[] };
      expect({ args: call.args, errors: answer.errors }).toEqual({ args: call.args, errors: undefined });
      expect(answer.data).toBeTruthy();
      for (const [field, value] of Object.entries(answer.data!)) expect({ field, value }).toEqual({ field, value: expect.anything() });
    }
  }
});

test("the facility count the README gives is the demo city's", async () => {
  const [{ n }] = (await graph.database.query<{ n: number }>('SELECT count(*)::int AS n FROM facilities.facility')) as [{ n: number }];
  expect(readme).toContain(`The demo city has ${n} facilities`);
});
