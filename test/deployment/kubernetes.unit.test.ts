import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { APP_UID, STOP_GRACE_SECONDS, containerCommand } from '../../scripts/containers';
import { K8S_DIR, manifests, render } from '../../scripts/k8s';
import { subgraphs } from '../../subgraphs';
import { manifestObjects } from './deployment-files';

// The models are found by the object's apiVersion and kind, so they are required by name.
const load = createRequire(__filename);

/**
 * The Kubernetes manifests (deploy/k8s): generated from the one list, valid Kubernetes objects,
 * every pod within the "restricted" Pod Security Standard, a disruption budget per Deployment,
 * and the migration ordered before the services by the manifests alone (`kubectl apply -k`).
 */

const files = fs.readdirSync(K8S_DIR).filter((f) => f.endsWith('.yaml'));
const documents = manifestObjects();
const find = (kind: string, name: string) => documents.find((d) => d.kind === kind && d.metadata.name === name);
const deployments = documents.filter((d) => d.kind === 'Deployment');
const podSpecOf = (name: string) => find('Deployment', name)!.spec.template.spec;
const containerOf = (name: string) => podSpecOf(name).containers[0];
const envOf = (container: { env: { name: string; value?: string; valueFrom?: unknown }[] }) =>
  Object.fromEntries(container.env.map((e) => [e.name, e.value ?? e.valueFrom]));

test('the checked-in manifests are what npm run k8s generates from the list', () => {
  const generated = manifests();
  expect(files.sort()).toEqual(Object.keys(generated).sort());
  for (const [file, docs] of Object.entries(generated)) expect(fs.readFileSync(path.join(K8S_DIR, file), 'utf8')).toBe(render(docs));
});

describe('every object is valid against the Kubernetes schemas (kubernetes-models)', () => {
  const objects = documents.filter((d) => d.kind !== 'Kustomization');

  test('there are objects of every kind the graph needs', () => {
    expect(new Set(objects.map((d) => d.kind))).toEqual(
      new Set(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']),
    );
  });

  test.each(objects.map((d) => [`${d.kind} ${d.metadata.name}`, d] as const))('%s', (_name, object) => {
    // kubernetes-models/<group>/<version>/<Kind>; the core group ("v1") has no group folder.
    const model = load(`kubernetes-models/${object.apiVersion}/${object.kind}`) as Record<
      string,
      new (data: unknown) => { validate(): void }
    >;
    const Model = model[object.kind]!;
    expect(() => new Model(object).validate()).not.toThrow();
  });

  test('the validator refuses a broken object, so the checks above can fail', () => {
    const { Deployment } = load('kubernetes-models/apps/v1/Deployment') as typeof import('kubernetes-models/apps/v1/Deployment');
    const broken = structuredClone(find('Deployment', 'gateway')!);
    broken.spec.template.spec.containers[0].securityContext.capabilities.drop = 'ALL';
    expect(() => new Deployment(broken).validate()).toThrow(/capabilities\/drop must be array/);
  });
});

/** Volume types the restricted profile allows. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * Every rule of the restricted Pod Security Standard (and the baseline it includes) that a pod
 * spec can break, checked field by field for each container and init container; a container's
 * securityContext overrides the pod's. Returns the violations, empty when the pod complies.
 */
function restrictedViolations(pod: any): string[] {
  const violations: string[] = [];
  const pss = pod.securityContext ?? {};
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[field]) violations.push(`pod ${field}`);
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (!RESTRICTED_VOLUMES.includes(type!)) violations.push(`volume ${volume.name} is ${type}`);
  }
  if (pss.runAsUser === 0) violations.push('pod runAsUser 0');
  if (pss.seccompProfile && !['RuntimeDefault', 'Localhost'].includes(pss.seccompProfile.type)) violations.push('pod seccomp');
  const containers = [...(pod.initContainers ?? []), ...pod.containers];
  for (const container of containers) {
    const sc = container.securityContext ?? {};
    const where = `container ${container.name}`;
    if ((sc.runAsNonRoot ?? pss.runAsNonRoot) !== true) violations.push(`${where}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? pss.runAsUser) === 0) violations.push(`${where}: runAsUser 0`);
    if (sc.allowPrivilegeEscalation !== false) violations.push(`${where}: allowPrivilegeEscalation is not false`);
    if (sc.privileged) violations.push(`${where}: privileged`);
    if (!['RuntimeDefault', 'Localhost'].includes((sc.seccompProfile ?? pss.seccompProfile)?.type))
      violations.push(`${where}: seccomp is not RuntimeDefault`);
    if (!sc.capabilities?.drop?.includes('ALL')) violations.push(`${where}: capabilities not dropped`);
    for (const added of sc.capabilities?.add ?? []) if (added !== 'NET_BIND_SERVICE') violations.push(`${where}: adds ${added}`);
    if (sc.readOnlyRootFilesystem !== true) violations.push(`${where}: root filesystem writable`);
    for (const port of container.ports ?? []) if (port.hostPort) violations.push(`${where}: hostPort`);
    // The one writable place is a volume of the pod's own: /tmp (tsx's cache, the image's DATA_DIR).
    const tmp = (container.volumeMounts ?? []).find((m: { mountPath: string }) => m.mountPath === '/tmp');
    const volume = tmp && (pod.volumes ?? []).find((v: { name: string }) => v.name === tmp.name);
    if (!volume?.emptyDir) violations.push(`${where}: no emptyDir at /tmp`);
  }
  return violations;
}

describe.each(deployments.map((d) => [d.metadata.name, d] as const))('Deployment %s', (name, deployment) => {
  const pod = deployment.spec.template.spec;

  test('meets the restricted Pod Security Standard in every container and init container', () => {
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.securityContext.runAsUser).toBe(APP_UID);
  });

  test('has a PodDisruptionBudget over its pods that lets a drain take one at a time', () => {
    const budgets = documents.filter(
      (d) => d.kind === 'PodDisruptionBudget' && matches(d.spec.selector.matchLabels, deployment.spec.template.metadata.labels),
    );
    expect(budgets).toHaveLength(1);
    expect(budgets[0]!.spec.maxUnavailable).toBe(1);
    expect(find('HorizontalPodAutoscaler', name)?.spec.minReplicas).toBeGreaterThan(1);
  });

  test('gives the service longer than its own shutdown limit to drain', () => {
    expect(pod.terminationGracePeriodSeconds).toBe(STOP_GRACE_SECONDS);
  });

  test('runs the migration first, as an init container, when it uses the database', () => {
    const main = pod.containers[0];
    const usesDatabase = 'DATABASE_URL' in envOf(main);
    expect(usesDatabase).toBe(name !== 'gateway');
    if (!usesDatabase) return expect(pod.initContainers).toBeUndefined();
    expect(pod.initContainers.map((c: { command: string[] }) => c.command)).toEqual([containerCommand.migrate()]);
    expect(envOf(pod.initContainers[0]).DATABASE_URL).toEqual(envOf(main).DATABASE_URL);
    expect(pod.initContainers[0].image).toBe(main.image);
  });
});

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

test('the restricted check finds what a default pod breaks, so it can fail', () => {
  const pod = structuredClone(podSpecOf('housing'));
  delete pod.securityContext;
  delete pod.initContainers[0].securityContext;
  pod.containers[0].securityContext = { ...pod.containers[0].securityContext, capabilities: { add: ['NET_ADMIN'] } };
  expect(restrictedViolations(pod)).toEqual([
    'container migrate: runAsNonRoot is not true',
    'container migrate: allowPrivilegeEscalation is not false',
    'container migrate: seccomp is not RuntimeDefault',
    'container migrate: capabilities not dropped',
    'container migrate: root filesystem writable',
    'container housing: seccomp is not RuntimeDefault',
    'container housing: capabilities not dropped',
    'container housing: adds NET_ADMIN',
  ]);
});

test('orders nothing through Argo CD or Helm hooks: plain kubectl apply -k is enough, and no Job is left to race', () => {
  const text = files.map((file) => fs.readFileSync(path.join(K8S_DIR, file), 'utf8')).join('\n');
  expect(text.match(/argocd\.argoproj\.io\/\S+|helm\.sh\/\S+/g)).toBeNull();
  expect(documents.filter((d) => d.kind === 'Job')).toEqual([]);
});

describe.each([...subgraphs.map((s) => [s.name, s.port] as const), ['gateway', 4000] as const])('%s', (name, port) => {
  test('starts node itself, with probes on /health and /ready, resource requests, and a Service and autoscaler', () => {
    const container = containerOf(name);
    expect(container.command).toEqual(name === 'gateway' ? containerCommand.gateway() : containerCommand.subgraph(name));
    expect(container.args).toBeUndefined();
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(find('Service', name)?.spec.ports[0].port).toBe(port);
    expect(find('HorizontalPodAutoscaler', name)?.spec.scaleTargetRef.name).toBe(name);
    expect(envOf(container).JWT_SECRET).toEqual({ secretKeyRef: { name: 'crg-secrets', key: 'jwt-secret' } });
  });
});

test('the gateway is pointed at every subgraph through its Service, and subgraphs at PostgreSQL through the secret', () => {
  const env = envOf(containerOf('gateway'));
  for (const subgraph of subgraphs) {
    const url = new URL(env[`${subgraph.name.toUpperCase()}_URL`] as string);
    expect(find('Service', url.hostname)?.spec.ports[0].port).toBe(Number(url.port));
    expect(envOf(containerOf(subgraph.name)).DATABASE_URL).toEqual({ secretKeyRef: { name: 'crg-secrets', key: 'database-url' } });
  }
});

test('every subgraph finds its peers through their Services', () => {
  for (const subgraph of subgraphs) {
    const env = envOf(containerOf(subgraph.name));
    for (const peer of subgraphs.filter((p) => p.name !== subgraph.name)) {
      expect(env[`${peer.name.toUpperCase()}_URL`]).toBe(`http://${peer.name}:${peer.port}/graphql`);
    }
  }
});

test('the kustomization lists every file', () => {
  const kustomization = documents.find((d) => d.kind === 'Kustomization') as unknown as { resources: string[] };
  expect(kustomization.resources.sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
});
