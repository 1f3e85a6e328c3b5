import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { demoProcurement } from '../prisma/seed';
import { awarded } from './graph-support';
import { demoOrganizations } from '../../../seed/demo-organizations';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';

/**
 * Every demo project exports as an OCDS 1.1 release package valid against the official schema in
 * ../shared/ocds (draft-04). The official examples validate too (the validator works) and a
 * broken package is rejected. Without the schema this test fails: it must not pass vacuously.
 */

const OCDS = path.resolve(__dirname, '../../../../shared/ocds');

function validator() {
  if (!fs.existsSync(path.join(OCDS, 'release-package-schema.json'))) {
    throw new Error(`The OCDS schema is missing at ${OCDS}; the export cannot be validated.`);
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(OCDS, 'release-schema.json'), 'utf8')));
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(OCDS, 'release-package-schema.json'), 'utf8')));
}

type Json = any;

/**
 * The coherence rules the Open Contracting data-review tool (Pelican) applies beyond the schema,
 * on one package: dates in order across tender, award and contract; amounts consistent (award
 * within the budget, contract within the award plus its supplements, payments within the
 * contract); every party a role refers to listed in `parties`; ids unique within each array.
 * Returns the broken rules, so a failure names them.
 */
function incoherence(pkg: Json, supplements: Map<string, number>): string[] {
  const problems: string[] = [];
  const at = (value: string) => Date.parse(value);
  const unique = (where: string, items: { id: string }[] | undefined) => {
    const ids = (items ?? []).map((item) => item.id);
    if (new Set(ids).size !== ids.length) problems.push(`${where}: duplicate ids`);
  };
  unique('releases', pkg.releases);
  const tenders = new Map<string, Json>();
  const awards = new Map<string, Json>();
  let budget: number | undefined;
  for (const release of pkg.releases) {
    unique(`${release.id} parties`, release.parties);
    unique(`${release.id} awards`, release.awards);
    unique(`${release.id} contracts`, release.contracts);
    const parties = new Set((release.parties ?? []).map((party: Json) => party.id));
    const refer = (role: string, ref: Json) => {
      if (ref && !parties.has(ref.id)) problems.push(`${release.id}: ${role} ${ref.id} is not among the parties`);
    };
    refer('buyer', release.buyer);
    if (release.planning?.budget) budget = release.planning.budget.amount.amount;
    const tender = release.tender;
    if (tender?.tenderPeriod) {
      tenders.set(tender.id, tender);
      if (at(tender.tenderPeriod.startDate) > at(tender.tenderPeriod.endDate))
        problems.push(`${release.id}: tender period ends before it starts`);
      refer('procuringEntity', tender.procuringEntity);
      for (const tenderer of tender.tenderers ?? []) refer('tenderer', tenderer);
      unique(`${release.id} tenderers`, tender.tenderers);
    }
    for (const award of release.awards ?? []) {
      if (!award.date) continue;
      awards.set(award.id, award);
      for (const supplier of award.suppliers ?? []) refer('supplier', supplier);
      const tenderOf = tenders.get(award.id.replace(/-award$/, ''));
      if (!tenderOf) problems.push(`${release.id}: award ${award.id} has no tender`);
      else if (at(award.date) < at(tenderOf.tenderPeriod.endDate))
        problems.push(`${release.id}: award dated ${award.date}, before the tender period ends ${tenderOf.tenderPeriod.endDate}`);
      if (budget !== undefined && award.value.amount > budget)
        problems.push(`${release.id}: award ${award.value.amount} above the budget ${budget}`);
    }
    for (const contract of release.contracts ?? []) {
      const award = awards.get(contract.awardID);
      if (!award) problems.push(`${release.id}: contract ${contract.id} refers to no award`);
      unique(`${release.id} milestones`, contract.milestones);
      unique(`${release.id} amendments`, contract.amendments);
      if (contract.period && at(contract.period.startDate) > at(contract.period.endDate))
        problems.push(`${release.id}: contract period ends before it starts`);
      if (award && contract.dateSigned && at(contract.dateSigned) < at(award.date))
        problems.push(`${release.id}: contract signed ${contract.dateSigned}, before the award ${award.date}`);
      if (award && contract.value && contract.value.amount > award.value.amount + (supplements.get(contract.id) ?? 0) + 1e-6) {
        problems.push(`${release.id}: contract ${contract.value.amount} above the award ${award.value.amount} plus supplements`);
      }
      const transactions = contract.implementation?.transactions ?? [];
      unique(`${release.id} transactions`, transactions);
      unique(`${release.id} documents`, contract.implementation?.documents);
      for (const transaction of transactions) {
        refer('payer', transaction.payer);
        refer('payee', transaction.payee);
      }
      const paid = transactions.reduce((sum: number, t: Json) => sum + Math.round(t.value.amount * 100), 0);
      const contracted = pkg.releases.flatMap((r: Json) => r.contracts ?? []).find((c: Json) => c.id === contract.id && c.value)
        ?.value.amount;
      if (contracted !== undefined && paid > Math.round(contracted * 100))
        problems.push(`${release.id}: payments ${paid / 100} above the contract ${contracted}`);
    }
  }
  return problems;
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
  // Supplementary agreements' amounts are in the graph (OCDS amendments carry no value).
  const supplements = new Map<string, number>();
  for (const row of await graph.database.query<{ contractId: string; total: string }>(
    `SELECT contract_id::text AS "contractId", sum(amount)::text AS total FROM procurement.supplementary_agreement GROUP BY contract_id`,
  ))
    supplements.set(row.contractId, Number(row.total));
  for (const project of demo) {
    const { body } = await graph.request(`query ($id: ID!) { ocdsReleasePackage(projectId: $id) }`, { variables: { id: project.id } });
    expect(body.errors).toBeUndefined();
    const pkg = body.data!.ocdsReleasePackage;
    expect({ project: project.id, problems: incoherence(pkg, supplements) }).toEqual({ project: project.id, problems: [] });
    const valid = validate(pkg);
    expect({ project: project.id, errors: validate.errors ?? null }).toEqual({ project: project.id, errors: null });
    expect(valid).toBe(true);
    for (const release of pkg.releases) {
      expect(release.ocid).toBe(`ocds-crg001-${project.id}`);
      for (const tag of release.tag) stagesSeen.add(tag);
    }
    // The buyer is identified by its Unified Social Credit Code.
    expect(pkg.releases[0].parties[0].identifier).toEqual({
      scheme: 'CN-USCI',
      id: project.purchaser.creditCode,
      legalName: project.purchaser.name,
    });
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

test("parties carry the address the registry publishes (its registration area), never the registry's private contact", async () => {
  const rows = demoProcurement();
  const organizations = demoOrganizations();
  const projectOf = new Map(rows.tenders.map((tender) => [tender[0], tender[1] as string]));
  const withBids = [...new Set(rows.bids.map((bid) => projectOf.get(bid[1])!))].slice(0, 5);
  const byCreditCode = new Map(organizations.filter((o) => o.creditCode).map((o) => [`CN-USCI-${o.creditCode}`, o]));
  const areaName = async (code: string) =>
    ((await graph.request(`query ($code: AreaCode!) { area(code: $code) { name } }`, { variables: { code } })).body.data as any).area.name;
  let addressed = 0;
  for (const id of withBids) {
    const { body } = await graph.request(`query ($id: ID!) { ocdsReleasePackage(projectId: $id) }`, { variables: { id } });
    const text = JSON.stringify(body.data!.ocdsReleasePackage);
    for (const release of body.data!.ocdsReleasePackage.releases) {
      for (const party of release.parties) {
        const known = byCreditCode.get(party.id);
        if (!known) continue;
        expect({ party: party.id, address: party.address }).toEqual({
          party: party.id,
          address: { region: await areaName(known.registrationArea), countryName: '中国' },
        });
        expect(party.contactPoint).toBeUndefined();
        expect(text).not.toContain(known.contactPhone);
        expect(text).not.toContain(known.contactEmail);
        expect(text).not.toContain(known.contactAddress);
        addressed += 1;
      }
    }
  }
  expect(addressed).toBeGreaterThan(10);
});

test('amounts are exact decimals through lib/kernel/money and in CNY', async () => {
  const project = demoProcurement().demo.find((p) => p.stage === 'ACTIVE')!;
  const { body } = await graph.request(
    `query ($id: ID!) { ocdsReleasePackage(projectId: $id) procurementProject(id: $id) { budget { amount } } }`,
    { variables: { id: project.id } },
  );
  const planning = body.data!.ocdsReleasePackage.releases[0].planning;
  expect(planning.budget.amount).toEqual({ amount: Number(body.data!.procurementProject.budget.amount), currency: 'CNY' });
  expect(String(planning.budget.amount.amount)).toBe(body.data!.procurementProject.budget.amount.replace(/\.?0+$/, ''));
});

test("an award decided on the day its tender closed is dated after the deadline, not at that day's midnight", async () => {
  // graph-support's awarded(): the tender closes a second ago and is evaluated at once, today.
  const { projectId, tenderId } = await awarded(graph);
  const { body } = await graph.request(
    `query ($id: ID!) { ocdsReleasePackage(projectId: $id) procurementProject(id: $id) { tenders { closesAt award { decidedAt } } } }`,
    { variables: { id: projectId } },
  );
  expect(body.errors).toBeUndefined();
  const tender = (body.data as Json).procurementProject.tenders[0];
  expect(Date.parse(tender.award.decidedAt)).toBeGreaterThanOrEqual(Date.parse(tender.closesAt));
  const award = (body.data as Json).ocdsReleasePackage.releases
    .flatMap((r: Json) => r.awards ?? [])
    .find((a: Json) => a.id === `${tenderId}-award`);
  expect(award.date).toBe(tender.award.decidedAt);
  expect(incoherence((body.data as Json).ocdsReleasePackage, new Map())).toEqual([]);
});

test('the coherence rules catch each kind of break (they cannot pass vacuously)', async () => {
  const project = demoProcurement().demo.find((p) => p.stage === 'ACTIVE')!;
  const { body } = await graph.request(`query ($id: ID!) { ocdsReleasePackage(projectId: $id) }`, { variables: { id: project.id } });
  const fresh = () => structuredClone((body.data as Json).ocdsReleasePackage);
  expect(incoherence(fresh(), new Map())).toEqual([]);
  const breaks: [string, (pkg: Json) => void][] = [
    [
      'before the tender period ends',
      (pkg) => {
        const award = pkg.releases.find((r: Json) => r.awards?.[0]?.date).awards[0];
        award.date = '2000-01-01T00:00:00Z';
      },
    ],
    [
      'not among the parties',
      (pkg) => pkg.releases.forEach((r: Json) => (r.parties = r.parties.filter((p: Json) => !p.roles.includes('supplier')))),
    ],
    [
      'duplicate ids',
      (pkg) => {
        const contract = pkg.releases.find((r: Json) => r.contracts?.[0]?.milestones).contracts[0];
        contract.milestones.push({ ...contract.milestones[0] });
      },
    ],
    [
      'above the contract',
      (pkg) => {
        const release = pkg.releases.find((r: Json) => r.contracts?.[0]?.implementation?.transactions?.length);
        release.contracts[0].implementation.transactions[0].value.amount = 1e12;
      },
    ],
    ['above the award', (pkg) => (pkg.releases.find((r: Json) => r.contracts?.[0]?.value).contracts[0].value.amount = 1e12)],
    ['above the budget', (pkg) => (pkg.releases.find((r: Json) => r.awards?.[0]?.value).awards[0].value.amount = 1e12)],
  ];
  for (const [problem, breakIt] of breaks) {
    const pkg = fresh();
    breakIt(pkg);
    expect(incoherence(pkg, new Map()).join('\n')).toContain(problem);
  }
});
