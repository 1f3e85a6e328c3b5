/**
 * `npm run k8s`: writes the Kubernetes manifests (Kustomize base) in deploy/k8s/ from the one
 * list of subgraphs: a Deployment, Service and HorizontalPodAutoscaler per subgraph and for the
 * gateway, the migration as a Job, and the kustomization. A test keeps the files fresh.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { subgraphs } from '../subgraphs';

export const K8S_DIR = path.join(__dirname, '../deploy/k8s');
const IMAGE = 'community-resource-graph:latest';
const GATEWAY_PORT = 4000;

/** Secret `crg-secrets` (made by the operator, never checked in) holds the JWT key and DATABASE_URL. */
const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: 'crg-secrets', key } } });

function deployment(name: string, port: number, args: string[], env: object[]) {
  const probe = (route: string, period: number) => ({ httpGet: { path: route, port: 'http' }, periodSeconds: period, timeoutSeconds: 3 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name, 'app.kubernetes.io/part-of': 'community-resource-graph' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics', 'prometheus.io/port': String(port) } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          containers: [
            {
              name,
              image: IMAGE,
              args,
              ports: [{ name: 'http', containerPort: port }],
              env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'HOST', value: '0.0.0.0' }, ...env],
              livenessProbe: probe('/health', 10),
              readinessProbe: probe('/ready', 5),
              startupProbe: { ...probe('/health', 5), failureThreshold: 30 },
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
            },
          ],
        },
      },
    },
  };
}

function service(name: string, port: number) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: name } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port, targetPort: 'http' }] },
  };
}

function autoscaler(name: string) {
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
  const pool = { name: 'DATABASE_POOL_SIZE', value: '10' };
  files['migrate-job.yaml'] = [
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'crg-migrate', annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'helm.sh/hook': 'pre-install,pre-upgrade' } },
      spec: {
        backoffLimit: 3,
        template: {
          spec: {
            restartPolicy: 'OnFailure',
            containers: [{ name: 'migrate', image: IMAGE, args: ['npm', 'run', 'migrate'], env: [database] }],
          },
        },
      },
    },
  ];
  const urls = subgraphs.map((s) => ({ name: `${s.name.toUpperCase()}_URL`, value: `http://${s.name}:${s.port}/graphql` }));
  for (const subgraph of subgraphs) {
    // Each subgraph may read its peers' public data (lib/peers.ts): it finds them by Service.
    const peers = urls.filter((url) => url.name !== `${subgraph.name.toUpperCase()}_URL`);
    const env = [database, pool, jwt, { name: `${subgraph.name.toUpperCase()}_PORT`, value: String(subgraph.port) }, ...peers];
    files[`${subgraph.name}.yaml`] = [
      deployment(subgraph.name, subgraph.port, ['npm', 'run', 'start:subgraph', '--', subgraph.name], env),
      service(subgraph.name, subgraph.port),
      autoscaler(subgraph.name),
    ];
  }
  files['gateway.yaml'] = [
    deployment('gateway', GATEWAY_PORT, ['npm', 'run', 'start:gateway'], [jwt, { name: 'GATEWAY_PORT', value: String(GATEWAY_PORT) }, ...urls]),
    service('gateway', GATEWAY_PORT),
    autoscaler('gateway'),
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
  return `# Generated by npm run k8s from subgraphs/index.ts; do not edit by hand.\n${documents.map((d) => stringify(d)).join('---\n')}`;
}

if (require.main === module) {
  fs.mkdirSync(K8S_DIR, { recursive: true });
  for (const [file, documents] of Object.entries(manifests())) fs.writeFileSync(path.join(K8S_DIR, file), render(documents));
  console.log(`Wrote ${Object.keys(manifests()).length} files to ${path.relative(process.cwd(), K8S_DIR)}.`);
}
