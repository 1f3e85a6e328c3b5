import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient, TimeoutError, type HttpClient } from '../runtime/http-client';

/** The services' client for calls to subgraphs, against a real HTTP server on port 0. */

let server: http.Server;
let base: string;
let client: HttpClient;
const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string; socket: unknown }[] = [];

beforeAll(async () => {
  // A connection that served /then-close is reset when the next request arrives on it: what the
  // client sees when the server closes an idle kept-alive connection just as a request goes out.
  const doomed = new WeakSet<object>();
  server = http.createServer((request, response) => {
    if (doomed.has(request.socket)) return void request.socket.destroy();
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method, headers: request.headers, body, socket: request.socket });
      if (request.url === '/silent') return;
      if (request.url === '/then-close') doomed.add(request.socket);
      if (request.url === '/stalls') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        response.write('{"data":');
        return;
      }
      if (request.url === '/cut') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        response.write('{"data":');
        // A reset (not a close): the client sees ECONNRESET, as on a socket the server dropped.
        setTimeout(() => request.socket.resetAndDestroy(), 20);
        return;
      }
      response.writeHead(request.url === '/refused' ? 400 : 200, 'Custom Reason', {
        'content-type': 'application/json; charset=utf-8',
        'x-extra': 'yes',
      });
      response.end(JSON.stringify({ echo: body, 名: '社区' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createHttpClient();
});
afterAll(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('posts the body with its length and headers, and answers with status, headers, text and JSON', async () => {
  const response = await client.request(
    `${base}/graphql`,
    { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"q":"吉福"}' },
    1000,
  );
  expect(seen.at(-1)).toMatchObject({
    method: 'POST',
    body: '{"q":"吉福"}',
    headers: { authorization: 'Bearer t', 'content-length': String(Buffer.byteLength('{"q":"吉福"}')) },
  });
  expect([response.ok, response.status, response.statusText, response.url]).toEqual([true, 200, 'Custom Reason', `${base}/graphql`]);
  expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('x-extra')).toBe('yes');
  expect(await response.json()).toEqual({ echo: '{"q":"吉福"}', 名: '社区' });
  // Read twice, and through a clone: the text is kept whole.
  expect(await response.clone().text()).toBe(await response.text());
  expect(new TextDecoder().decode(await response.arrayBuffer())).toBe(await response.text());
});

test('a refusal is an answer, not an error: not ok, with its status', async () => {
  const response = await client.request(`${base}/refused`, { method: 'POST', body: '{}' }, 1000);
  expect([response.ok, response.status]).toEqual([false, 400]);
});

test('keeps the connection alive between calls', async () => {
  await client.request(`${base}/a`, { method: 'POST', body: '1' }, 1000);
  await client.request(`${base}/b`, { method: 'POST', body: '2' }, 1000);
  expect(seen.at(-1)!.socket).toBe(seen.at(-2)!.socket);
});

test('a kept-alive connection the server dropped as idle is not an error: the request goes again on a new one, once', async () => {
  await client.request(`${base}/then-close`, { method: 'POST', body: '1' }, 1000);
  const before = seen.length;
  const response = await client.request(`${base}/after-close`, { method: 'POST', body: '2' }, 1000);
  expect(response.status).toBe(200);
  expect(seen.slice(before).map((s) => s.body)).toEqual(['2']);
});

test('a server that does not answer in time fails with TimeoutError', async () => {
  await expect(client.request(`${base}/silent`, { method: 'POST', body: '{}' }, 100)).rejects.toBeInstanceOf(TimeoutError);
  await expect(client.request(`${base}/silent`, { method: 'POST', body: '{}' }, 100)).rejects.toMatchObject({ name: 'TimeoutError' });
});

test('headers in time and then a stalled body is TimeoutError too', async () => {
  await expect(client.request(`${base}/stalls`, { method: 'POST', body: '{}' }, 100)).rejects.toBeInstanceOf(TimeoutError);
});

test('an answer cut off midway fails instead of resolving with half a body, and is not sent again', async () => {
  // On a kept-alive connection (reused), as the retry's own case: the server had started answering, so it ran the request.
  await client.request(`${base}/warm`, { method: 'POST', body: '{}' }, 1000);
  const before = seen.length;
  const failure = await client.request(`${base}/cut`, { method: 'POST', body: '{}' }, 2000).then(
    () => undefined,
    (error: Error) => error,
  );
  // At once, when the connection is reset: not at the deadline. (Node's own error, from another realm than Jest's Error.)
  expect(failure).toMatchObject({ message: expect.any(String) });
  expect(failure).not.toBeInstanceOf(TimeoutError);
  expect(seen.slice(before).map((s) => s.socket === seen[before - 1]!.socket)).toEqual([true]);
});

test('nobody listening fails at once', async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await expect(client.request(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' }, 1000)).rejects.toMatchObject({
    code: 'ECONNREFUSED',
  });
});
