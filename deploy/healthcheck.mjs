// The image's HEALTHCHECK (and docker-compose's): exits 0 when the service in this container
// answers /ready with 200 (lib/edge/http.ts), 1 otherwise. Plain JavaScript on purpose: it runs every
// few seconds, and loading tsx for it would cost more than the check itself.
// Usage: node deploy/healthcheck.mjs [PORT]; without a port, the gateway's (GATEWAY_PORT or 4000).
const port = process.argv[2] ?? process.env.GATEWAY_PORT ?? '4000';
try {
  const response = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`not ready: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
