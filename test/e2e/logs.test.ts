import { Writable } from 'node:stream';
import { createLogger } from '../../lib/runtime/log';
import { launchGraph, type RunningGraph } from '../../scripts/launch';
import { subgraphs } from '../../subgraphs';
import { createTestDatabase, dropTestDatabase } from '../support/database';
import { testConfig } from '../support/graph';

/**
 * The logs of the whole graph in one process, as `npm start` writes them (issue 19): every line
 * names its service once, and a request's line names the operation the document holds when the
 * client sent no operationName.
 */

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

let graph: RunningGraph;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
  graph = await launchGraph({ config: testConfig(), log: createLogger('info', 'launcher', sink), subgraphs, database });
});
afterAll(async () => {
  await graph?.stop();
  await dropTestDatabase(database);
});

const post = (body: Record<string, unknown>) =>
  fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) =>
    r.json(),
  );

test('every line carries the service key once; the gateway and each subgraph name themselves', async () => {
  await post({ query: 'query CommunityName { community(code: "510108001001") { name } }' });
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect({ line, keys: line.match(/"service":/g)?.length }).toEqual({ line, keys: 1 });
  const services = new Set(lines.map((line) => (JSON.parse(line) as { service: string }).service));
  expect([...services]).toEqual(expect.arrayContaining(['gateway', 'communities']));
});

test("the request line names the document's operation when the client sent no operationName, and the one sent otherwise", async () => {
  await post({ query: 'query FromTheDocument { community(code: "510108001001") { name } }' });
  await post({ query: 'query A { community(code: "510108001001") { name } } query B { me { id } }', operationName: 'B' });
  const requests = lines
    .map((line) => JSON.parse(line) as { service: string; msg: string; operationName?: string })
    .filter((l) => l.service === 'gateway' && l.msg === 'request');
  expect(requests.map((r) => r.operationName)).toEqual(expect.arrayContaining(['FromTheDocument', 'B']));
});
