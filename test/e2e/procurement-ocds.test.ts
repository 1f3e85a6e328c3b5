import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { demoProcurement } from '../../prisma/seed/procurement';
import { startTestGraph, type TestGraph } from '../support/graph';

/**
 * Every demo project exports as an OCDS 1.1 release package valid against the official schema in
 * ../shared/ocds (draft-04). The official examples validate too (the validator works) and a
 * broken package is rejected. Without the schema this test fails: it must not pass vacuously.
 */

const OCDS = path.resolve(__dirname, '../../../shared/ocds');

function validator() {
  if (!fs.existsSync(path.join(OCDS, 'release-package-schema.json'))) {
    throw new Error(`The OCDS schema is missing at ${OCDS}; the export cannot be validated.`);
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(OCDS, 'release-schema.json'), 'utf8')));
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(OCDS, 'release-package-schema.json'), 'utf8')));
}

let graph: TestGraph;
const validate = validator();
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

test('the official examples validate, and a broken package is rejected', () => {
  const examples = fs.readdirSync(path.join(OCDS, 'examples')).filter((f) => f.endsWith('.json'));
  expect(examples.length).toBe(4);
  for (const file of examples) {
    const ok = validate(JSON.parse(fs.readFileSync(path.join(OCDS, 'examples', file), 'utf8')));
    expect({ file, errors: validate.errors ?? null }).toEqual({ file, errors: null });
    expect(ok).toBe(true);
  }
  const broken = JSON.parse(fs.readFileSync(path.join(OCDS, 'examples', examples[0]!), 'utf8'));
  broken.releases[0].tag = ['notATag'];
  delete broken.releases[0].ocid;
  expect(validate(broken)).toBe(false);
});

test('every demo project exports a valid package, in GraphQL and over HTTP alike', async () => {
  const { demo } = demoProcurement();
  expect(demo.length).toBeGreaterThanOrEqual(80);
  const base = graph.subgraphUrls.procurement!.replace(/\/graphql$/, '');
  const stagesSeen = new Set<string>();
  for (const project of demo) {
    const { body } = await graph.request(`query ($id: ID!) { ocdsReleasePackage(projectId: $id) }`, { variables: { id: project.id } });
    expect(body.errors).toBeUndefined();
    const pkg = body.data!.ocdsReleasePackage;
    const valid = validate(pkg);
    expect({ project: project.id, errors: validate.errors ?? null }).toEqual({ project: project.id, errors: null });
    expect(valid).toBe(true);
    for (const release of pkg.releases) {
      expect(release.ocid).toBe(`ocds-crg001-${project.id}`);
      for (const tag of release.tag) stagesSeen.add(tag);
    }
    // The buyer is identified by its Unified Social Credit Code.
    expect(pkg.releases[0].parties[0].identifier).toEqual({ scheme: 'CN-USCI', id: project.purchaser.creditCode, legalName: project.purchaser.name });
    if (project.id === demo[0]!.id) {
      const response = await fetch(`${base}/ocds/releases/${project.id}`);
      expect(response.status).toBe(200);
      const http = (await response.json()) as { releases: unknown[] };
      expect(validate(http)).toBe(true);
      expect(http.releases).toEqual(pkg.releases);
    }
  }
  expect([...stagesSeen].sort()).toEqual(['award', 'contract', 'contractTermination', 'implementation', 'planning', 'tender'].sort());
  expect((await fetch(`${base}/ocds/releases/not-a-project`)).status).toBe(400);
});

test('amounts are exact decimals through lib/money and in CNY', async () => {
  const project = demoProcurement().demo.find((p) => p.stage === 'ACTIVE')!;
  const { body } = await graph.request(`query ($id: ID!) { ocdsReleasePackage(projectId: $id) procurementProject(id: $id) { budget { amount } } }`, { variables: { id: project.id } });
  const planning = body.data!.ocdsReleasePackage.releases[0].planning;
  expect(planning.budget.amount).toEqual({ amount: Number(body.data!.procurementProject.budget.amount), currency: 'CNY' });
  expect(String(planning.budget.amount.amount)).toBe(body.data!.procurementProject.budget.amount.replace(/\.?0+$/, ''));
});
