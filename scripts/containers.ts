/**
 * How a container starts each service, said once. The Dockerfile's CMD, docker-compose.yml's
 * `command`s and the Kubernetes manifests (scripts/k8s.ts) must equal these; the tests in
 * test/deployment compare them and run them.
 *
 * A container runs `node` itself, never `npm run …`: docker and Kubernetes send SIGTERM to the
 * container's first process only, and npm does not pass it on, so under npm the service never
 * heard the signal, kept serving and was SIGKILLed at the end of the grace period (and on a host
 * npm exited and left it orphaned). `--import tsx` is the same loader `npm start` uses; it runs
 * no relaying parent process (tsx's CLI would, and SIGKILLs a child slow to acknowledge).
 */

const NODE = ['node', '--import', 'tsx'];

export const containerCommand = {
  gateway: (): string[] => [...NODE, 'gateway/src/index.ts'],
  subgraph: (name: string): string[] => [...NODE, 'scripts/start-subgraph.ts', name],
  migrate: (): string[] => [...NODE, 'scripts/migrate.ts'],
};

/**
 * The image's health check: exits 0 when the service on `port` answers `/ready` (lib/edge/http.ts).
 * Without a port it checks the gateway, the image's default command.
 */
export const HEALTHCHECK_SCRIPT = 'deploy/healthcheck.mjs';
export function healthcheckCommand(port?: number): string[] {
  return ['node', HEALTHCHECK_SCRIPT, ...(port === undefined ? [] : [String(port)])];
}

/**
 * How long the orchestrator waits between SIGTERM and SIGKILL. It exceeds the services' own
 * shutdown limit (onShutdown in lib/runtime/process.ts, 10 s), so a stop that hangs ends with the
 * service's own log line and exit code rather than a silent SIGKILL.
 */
export const STOP_GRACE_SECONDS = 15;

/** The image's `node` user (uid and gid 1000 in the official Node images). */
export const APP_UID = 1000;
