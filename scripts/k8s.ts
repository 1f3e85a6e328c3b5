/**
 * `npm run k8s`: writes the Kubernetes manifests (Kustomize base) in deploy/k8s/ from the one
 * list of subgraphs: a Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget per
 * subgraph and for the gateway, and the kustomization. A test keeps the files fresh, validates
 * them against the Kubernetes schemas and checks the "restricted" Pod Security Standard.
 *
 * Every pod runs as the image's non-root user, with no privilege escalation, no capabilities,
 * the runtime's default seccomp profile and a read-only root filesystem; /tmp (tsx's compile
 * cache, DATA_DIR in the image) is the one writable place, an emptyDir.
 *
 * The migration runs as an init container of each Deployment that uses the database, not as a
 * Job: plain `kubectl apply -k` has no ordering between objects, so a Job would race the
 * Deployments (ordering it needed Argo CD or Helm hooks), a pod waiting for a Job needs API
 * access (a ServiceAccount, RBAC, a kubectl image), and a Job's pod template cannot be changed
 * by a later apply of a new image. An init container runs the new image's migrations before that
 * image's service starts in every pod, whoever applies the manifests. Running it in several pods
 * at once is safe: lib/runtime/db/migrate.ts takes Prisma's advisory lock, so one applies the pending
 * migrations and the rest find nothing to do. Migrations must stay backward compatible (expand,
 * then contract in a later release), since old pods serve while new ones start.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { stringify } from 'yaml';
import { subgraphs } from '../subgraphs';
import { APP_UID, STOP_GRACE_SECONDS, containerCommand } from './containers';

export const K8S_DIR = path.join(__dirname, '../deploy/k8s');
const IMAGE = 'community-resource-graph:latest';
const GATEWAY_PORT = 4000;

/** Secret `crg-secrets` (made by the operator, never checked in) holds the JWT key and DATABASE_URL. */
const secretEnv = (name: string, key: string): IEnvVar => ({ name, valueFrom: { secretKeyRef: { name: 'crg-secrets', key } } });

/** The restricted Pod Security Standard, for every container (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
const containerSecurity: ISecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
const podSecurity: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: APP_UID,
  runAsGroup: APP_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};
const TMP = 'tmp';
const tmpMount: IVolumeMount = { name: TMP, mountPath: '/tmp' };

interface Container {
  name: string;
  command: string[];
  env: IEnvVar[];
}

function deployment(name: string, port: number, main: Container, init: Container[]): IDeployment {
  const probe = (route: string, period: number): IProbe => ({
    httpGet: { path: route, port: 'http' },
    periodSeconds: period,
    timeoutSeconds: 3,
  });
  const resources: IResourceRequirements = { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } };
  const container = (c: Container): IContainer => ({
    name: c.name,
    image: IMAGE,
    command: c.command,
    env: c.env,
    securityContext: containerSecurity,
    volumeMounts: [tmpMount],
    resources,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name, 'app.kubernetes.io/part-of': 'community-resource-graph' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics', 'prometheus.io/port': String(port) },
        },
        spec: {
          securityContext: podSecurity,
          // Longer than the service's own shutdown limit (lib/runtime/process.ts): it drains and exits itself.
          terminationGracePeriodSeconds: STOP_GRACE_SECONDS,
          ...(init.length ? { initContainers: init.map(container) } : {}),
          containers: [
            {
              ...container(main),
              env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'HOST', value: '0.0.0.0' }, ...main.env],
              ports: [{ name: 'http', containerPort: port }],
              livenessProbe: probe('/health', 10),
              readinessProbe: probe('/ready', 5),
              startupProbe: { ...probe('/health', 5), failureThreshold: 30 },
            },
          ],
          volumes: [{ name: TMP, emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

/** Voluntary disruptions (node drains, cluster upgrades) take one pod of a service at a time. */
function disruptionBudget(name: string): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name },
    spec: { maxUnavailable: 1, selector: { matchLabels: { app: name } } },
  };
}

function service(name: string, port: number): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: name } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port, targetPort: 'http' }] },
  };
}

function autoscaler(name: string): IHorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };
}

/** Every manifest, by file name. */
export function manifests(): Record<string, object[]> {
  const files: Record<string, object[]> = {};
  const jwt = secretEnv('JWT_SECRET', 'jwt-secret');
  const database = secretEnv('DATABASE_URL', 'database-url');
  // Pool per replica: keep replicas × pool below PostgreSQL's max_connections (README).
  const pool: IEnvVar = { name: 'DATABASE_POOL_SIZE', value: '10' };
  const migrate: Container = { name: 'migrate', command: containerCommand.migrate(), env: [database] };
  const urls = subgraphs.map((s): IEnvVar => ({ name: `${s.name.toUpperCase()}_URL`, value: `http://${s.name}:${s.port}/graphql` }));
  for (const subgraph of subgraphs) {
    // Each subgraph may read its peers' public data (lib/runtime/peers.ts): it finds them by Service.
    const peers = urls.filter((url) => url.name !== `${subgraph.name.toUpperCase()}_URL`);
    const env = [database, pool, jwt, { name: `${subgraph.name.toUpperCase()}_PORT`, value: String(subgraph.port) }, ...peers];
    files[`${subgraph.name}.yaml`] = [
      deployment(subgraph.name, subgraph.port, { name: subgraph.name, command: containerCommand.subgraph(subgraph.name), env }, [migrate]),
      service(subgraph.name, subgraph.port),
      autoscaler(subgraph.name),
      disruptionBudget(subgraph.name),
    ];
  }
  files['gateway.yaml'] = [
    // The gateway has no database: nothing to wait for.
    deployment(
      'gateway',
      GATEWAY_PORT,
      { name: 'gateway', command: containerCommand.gateway(), env: [jwt, { name: 'GATEWAY_PORT', value: String(GATEWAY_PORT) }, ...urls] },
      [],
    ),
    service('gateway', GATEWAY_PORT),
    autoscaler('gateway'),
    disruptionBudget('gateway'),
  ];
  files['kustomization.yaml'] = [
    {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      labels: [{ pairs: { 'app.kubernetes.io/part-of': 'community-resource-graph' } }],
      resources: Object.keys(files).sort(),
    },
  ];
  return files;
}

export function render(documents: object[]): string {
  return `# Generated by npm run k8s from subgraphs/index.ts; do not edit by hand.\n${documents.map((d) => stringify(d, { aliasDuplicateObjects: false })).join('---\n')}`;
}

if (require.main === module) {
  fs.mkdirSync(K8S_DIR, { recursive: true });
  for (const [file, documents] of Object.entries(manifests())) fs.writeFileSync(path.join(K8S_DIR, file), render(documents));
  console.log(`Wrote ${Object.keys(manifests()).length} files to ${path.relative(process.cwd(), K8S_DIR)}.`);
}
