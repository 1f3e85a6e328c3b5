import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { K8S_DIR, manifests, render } from '../../scripts/k8s';
import { subgraphs } from '../../subgraphs';

/** The Kubernetes manifests (deploy/k8s) are generated from the one list and kept in step with it. */

type Doc = { kind: string; metadata: { name: string }; spec: any };
const files = fs.readdirSync(K8S_DIR).filter((f) => f.endsWith('.yaml'));
const documents: Doc[] = files.flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(K8S_DIR, file), 'utf8')).map((d) => d.toJSON() as Doc));
const find = (kind: string, name: string) => documents.find((d) => d.kind === kind && d.metadata.name === name);
const containerOf = (name: string) => find('Deployment', name)!.spec.template.spec.containers[0];
const envOf = (name: string) => Object.fromEntries(containerOf(name).env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));

test('the checked-in manifests are what npm run k8s generates from the list', () => {
  const generated = manifests();
  expect(files.sort()).toEqual(Object.keys(generated).sort());
  for (const [file, docs] of Object.entries(generated)) expect(fs.readFileSync(path.join(K8S_DIR, file), 'utf8')).toBe(render(docs));
});

describe.each([...subgraphs.map((s) => [s.name, s.port] as const), ['gateway', 4000] as const])('%s', (name, port) => {
  test('has a Deployment with probes on /health and /ready, resource requests, and a Service and autoscaler', () => {
    const container = containerOf(name);
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(find('Service', name)?.spec.ports[0].port).toBe(port);
    expect(find('HorizontalPodAutoscaler', name)?.spec.scaleTargetRef.name).toBe(name);
    expect(envOf(name).JWT_SECRET).toEqual({ secretKeyRef: { name: 'crg-secrets', key: 'jwt-secret' } });
  });
});

test('the gateway is pointed at every subgraph through its Service, and subgraphs at PostgreSQL through the secret', () => {
  const env = envOf('gateway');
  for (const subgraph of subgraphs) {
    const url = new URL(env[`${subgraph.name.toUpperCase()}_URL`] as string);
    expect(find('Service', url.hostname)?.spec.ports[0].port).toBe(Number(url.port));
    expect(envOf(subgraph.name).DATABASE_URL).toEqual({ secretKeyRef: { name: 'crg-secrets', key: 'database-url' } });
  }
});

test('the migration runs as a Job before rollout, and the kustomization lists every file', () => {
  expect(find('Job', 'crg-migrate')?.spec.template.spec.containers[0].args).toEqual(['npm', 'run', 'migrate']);
  const kustomization = documents.find((d) => d.kind === 'Kustomization') as unknown as { resources: string[] };
  expect(kustomization.resources.sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
});
