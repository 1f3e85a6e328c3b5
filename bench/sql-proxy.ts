import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../lib/runtime/db';

/**
 * Embedded PGlite lives inside this process, so the load generator's floor (in its own process)
 * reaches it over HTTP: POST {sql, params} answers the rows as JSON. On PostgreSQL the load
 * generator has its own pool and this is not started.
 */
export async function startSqlProxy(database: Database): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { sql, params } = JSON.parse(Buffer.concat(chunks).toString()) as { sql: string; params?: unknown[] };
      database.query(sql, params).then(
        (rows) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(rows, (_, value: unknown) => (typeof value === 'bigint' ? Number(value) : value)));
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sql`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
