import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { subgraphs } from '../../subgraphs';

// docker-compose.yml is written by hand; this keeps it in step with the one list of subgraphs.

const root = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}

const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services?: Record<string, Service>;
};
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
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v == null ? '' : String(v)]));
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

describe('docker-compose.yml', () => {
  it('lists at least one subgraph', () => {
    expect(subgraphs.length).toBeGreaterThan(0);
  });

  describe.each(subgraphs.map((s) => [s.name, s] as const))('subgraph %s', (name, subgraph) => {
    const key = name.toUpperCase();

    it('has a service of that name that starts it', () => {
      expect(command(service(name))).toEqual(['npm', 'run', 'start:subgraph', '--', name]);
    });

    it(`listens on the list's port through ${key}_PORT`, () => {
      expect(env(service(name))[`${key}_PORT`]).toBe(String(subgraph.port));
      expect(env(service(name)).HOST).toBe('0.0.0.0');
      const check = service(name).healthcheck?.test;
      const checkText = Array.isArray(check) ? check.join(' ') : (check ?? '');
      expect(checkText).toContain(`127.0.0.1:${subgraph.port}/health`);
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
    expect(command(service('migrate'))).toEqual(['npm', 'run', 'migrate']);
    expect(dependsOn(service('migrate')).postgres).toBe('service_healthy');
  });

  it('starts no app service before the migration', () => {
    const apps = Object.keys(services).filter((n) => n !== 'postgres' && n !== 'migrate');
    expect(apps.filter((n) => !dependsTransitively(n, 'migrate'))).toEqual([]);
  });

  it('starts the gateway and publishes its port', () => {
    const gateway = service('gateway');
    expect(command(gateway)).toEqual(['npm', 'run', 'start:gateway']);
    expect(env(gateway).GATEWAY_PORT).toBe('4000');
    expect((gateway as { ports?: unknown[] }).ports?.map(String)).toContain('4000:4000');
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

describe('Dockerfile', () => {
  const file = path.join(root, 'Dockerfile');

  it('installs from the lock file and generates the derived code', () => {
    expect(fs.existsSync(file)).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^RUN npm ci\b/m);
    expect(text).toMatch(/^RUN npm run generate\b/m);
  });
});
