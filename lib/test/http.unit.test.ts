import http from 'node:http';
import { closeServer, listen, PortInUseError } from '../edge/http';

test('closing lets a request in flight finish, then refuses new connections', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer(async (_, res) => {
    await released;
    res.end('done');
  });
  const port = await listen(server, 0, '127.0.0.1', 'test');
  const inFlight = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
  await new Promise((resolve) => setTimeout(resolve, 50));
  const closed = closeServer(server);
  release();
  expect(await inFlight).toBe('done');
  await closed;
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
});

test('a request that outlives the grace period is cut so shutdown cannot hang', async () => {
  const server = http.createServer(() => undefined);
  const port = await listen(server, 0, '127.0.0.1', 'test');
  const hanging = fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await closeServer(server, 100);
  expect(String(await hanging)).toMatch(/fetch failed/);
});

test('a port in use is a PortInUseError naming the service and port', async () => {
  const first = http.createServer();
  const port = await listen(first, 0, '127.0.0.1', 'first');
  try {
    await expect(listen(http.createServer(), port, '127.0.0.1', 'gateway')).rejects.toEqual(
      new PortInUseError(port, '127.0.0.1', 'gateway'),
    );
  } finally {
    await closeServer(first);
  }
});
