import http from 'node:http';
import { createGatewayServer, type GatewayServer } from '../../gateway/src/server';
import { listen } from '../../lib/edge/http';
import { createLogger } from '../../lib/runtime/log';
import { createVerifier } from '../../lib/runtime/process';
import { subgraphs } from '../../subgraphs';
import { testConfig } from '../support/graph';

/**
 * The gateway's budget for a request as a whole (issue 19): a deadline across every subgraph
 * fetch (REQUEST_TIMEOUT_MS), and MAX_RESPONSE_BYTES counted as the subgraphs' answers arrive.
 * Either one passed aborts the fetches still running and answers one path-less error. A test
 * double stands in for the communities subgraph so that its answer can stall or grow on demand.
 */

interface Double {
  url: string;
  /**
   * Once every request the double received has closed: how many it answered whole. A fetch the
   * gateway aborted is not; one the deadline caught before it was even sent never arrived.
   */
  finished(): Promise<number>;
  close(): void;
}

/** A subgraph double: `answer` writes (part of) a response; the gateway's hang-ups are observed. */
async function subgraphDouble(answer: (res: http.ServerResponse) => void): Promise<Double> {
  const closed: Promise<boolean>[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    closed.push(new Promise((resolve) => res.on('close', () => resolve(res.writableFinished))));
    answer(res);
  });
  const port = await listen(server, 0, '127.0.0.1', 'double');
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    finished: async () => (await Promise.all(closed)).filter(Boolean).length,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function gatewayOver(double: Double, overrides: Record<string, string>): Promise<{ gateway: GatewayServer; url: string }> {
  const config = testConfig(overrides);
  const gateway = await createGatewayServer({
    config,
    verifyToken: await createVerifier(config),
    log: createLogger('silent', 'gateway'),
    subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, double.url])),
  });
  return { gateway, url: `http://127.0.0.1:${await listen(gateway.http, 0, '127.0.0.1', 'gateway')}/graphql` };
}

async function ask(url: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ community(code: "510108001001") { name } }' }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: unknown;
      errors?: { message: string; path?: unknown; extensions: Record<string, unknown> }[];
    },
  };
}

test('past REQUEST_TIMEOUT_MS the request as a whole is answered REQUEST_TIMEOUT (504, no path) and the subgraph fetch is aborted', async () => {
  // The subgraph would answer well within its own timeout, but after the request's deadline.
  const slow = await subgraphDouble((res) => {
    const timer = setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"community":{"name":"late"}}}'),
      3000,
    );
    res.on('close', () => clearTimeout(timer));
  });
  const { gateway, url } = await gatewayOver(slow, { REQUEST_TIMEOUT_MS: '300', SUBGRAPH_TIMEOUT_MS: '10000' });
  try {
    const { status, body } = await ask(url);
    expect(status).toBe(504);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: 'The request did not complete within 300 ms; ask for less or try again.',
        extensions: { code: 'REQUEST_TIMEOUT', requestId: expect.any(String) },
      },
    ]);
    expect(await slow.finished()).toBe(0);
  } finally {
    await gateway.close();
    slow.close();
  }
});

test('subgraph answers growing past MAX_RESPONSE_BYTES are refused as they arrive: RESPONSE_TOO_LARGE, the rest never read', async () => {
  // 4 KB at once, then the rest of a valid answer only much later: a gateway that waits for the
  // whole answer before measuring would read it all.
  const large = await subgraphDouble((res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`{"data":{"community":{"name":"${'x'.repeat(4096)}`);
    const timer = setTimeout(() => res.end('"}}}'), 3000);
    res.on('close', () => clearTimeout(timer));
  });
  const { gateway, url } = await gatewayOver(large, { MAX_RESPONSE_BYTES: '2kb', REQUEST_TIMEOUT_MS: '10000' });
  try {
    const { status, body } = await ask(url);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: 'The response would exceed 2048 bytes; ask for fewer rows or fields.',
        extensions: { code: 'RESPONSE_TOO_LARGE', requestId: expect.any(String) },
      },
    ]);
    expect(await large.finished()).toBe(0);
  } finally {
    await gateway.close();
    large.close();
  }
});
