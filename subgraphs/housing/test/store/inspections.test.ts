import type { SignOffRole } from '../../src/generated/prisma/enums';
import type { InspectionModel, NewInspection, PremisesModel } from '../../src/models';
import { codeOf, development, force, JIFU, officer, openStore, premises, street, type StoreHarness } from './support';

/** The inspections module at its edges: a decided round is no longer pending, re-inspection rounds, stale versions. */

let h: StoreHarness;
let p: PremisesModel;

const items = (measuredArea: string, defects: NewInspection['defects'] = []): NewInspection => ({
  measuredArea,
  locationAsPlanned: true,
  aboveGround: true,
  regularShape: true,
  noPartitions: true,
  ownEntrance: true,
  utilities: true,
  notes: null,
  defects,
});

const pendingSeen: boolean[] = [];
const record = (at: PremisesModel, inspection: NewInspection, version = at.version) =>
  h.store.inspections.record(
    at.id,
    version,
    'STREET_OFFICER',
    inspection,
    (current, pending) => {
      pendingSeen.push(pending);
      if (pending) throw new Error('pending');
      return { to: current.state, action: 'INSPECT' };
    },
    street,
  );

const countersigned: { round: number | undefined; signed: SignOffRole[] }[] = [];
const countersign = (at: PremisesModel, version = at.version) =>
  h.store.inspections.countersign(
    at.id,
    version,
    'DISTRICT_CIVIL_AFFAIRS',
    (_current, pending: InspectionModel | null, signed) => {
      countersigned.push({ round: pending?.round, signed });
      const to = pending!.defects.length > 0 ? ('REJECTED' as const) : ('ACCEPTED' as const);
      return { to, action: 'COUNTERSIGN', data: to === 'ACCEPTED' ? { acceptedArea: pending!.measuredArea } : {} };
    },
    officer,
  );

beforeAll(async () => {
  h = await openStore();
  p = await force(h.store, await premises(h.store, await development(h.store)), 'INSPECTION_REQUESTED');
});

afterAll(() => h.close());

test('a round is pending until countersigned; a stale version writes nothing', async () => {
  p = await record(p, items('90.00', ['AREA_SHORT']));
  expect(await codeOf(record(p, items('95.00')))).toBeInstanceOf(Error);
  expect(pendingSeen).toEqual([false, true]);
  expect(await codeOf(countersign(p, p.version - 1))).toBe('CONFLICT');
  expect((await h.store.inspections.ofPremises([p.id])).map((i) => i.outcome)).toEqual([null]);
});

test("the countersignature sees the recorder's signature and decides the round", async () => {
  p = await countersign(p);
  expect(p.state).toBe('REJECTED');
  expect(countersigned).toEqual([{ round: 1, signed: ['STREET_OFFICER'] }]);
  const [round] = await h.store.inspections.ofPremises([p.id]);
  expect(round).toMatchObject({
    round: 1,
    outcome: 'REJECTED',
    measuredArea: '90.00',
    plannedArea: '100.00',
    defects: ['AREA_SHORT'],
    communityCode: JIFU,
  });
  expect(round!.decidedAt).toBeInstanceOf(Date);
});

test('a stale version on recording is refused and writes no round', async () => {
  const rectified = await force(h.store, p, 'RECTIFIED');
  expect(await codeOf(record(rectified, items('99.00'), p.version))).toBe('CONFLICT');
  expect(await h.store.inspections.ofPremises([p.id])).toHaveLength(1);
  p = rectified;
});

test('after a rejected round, the re-inspection is round 2 and is not held pending by the decided one', async () => {
  pendingSeen.length = 0;
  p = await record(p, items('99.00'));
  expect(pendingSeen).toEqual([false]);
  p = await countersign(p);
  expect(countersigned[1]).toEqual({ round: 2, signed: ['STREET_OFFICER'] });
  expect(p).toMatchObject({ state: 'ACCEPTED', acceptedArea: '99.00' });
  const rounds = await h.store.inspections.ofPremises([p.id]);
  expect(rounds.map((i) => [i.round, i.outcome])).toEqual([
    [1, 'REJECTED'],
    [2, 'ACCEPTED'],
  ]);
});

test('the signatures of a round in the order signed, with the community and the actors', async () => {
  const rounds = await h.store.inspections.ofPremises([p.id]);
  const signatures = await h.store.inspections.signatures([rounds[1]!.id, 'not-a-uuid']);
  expect(signatures.map((s) => [s.inspectionId, s.role, s.actor, s.area, s.communityCode])).toEqual([
    [rounds[1]!.id, 'STREET_OFFICER', street.id, street.area, JIFU],
    [rounds[1]!.id, 'DISTRICT_CIVIL_AFFAIRS', officer.id, officer.area, JIFU],
  ]);
});

test('the audit trail records the inspection with its round and items', async () => {
  const trail = await h.store.premises.auditTrails([p.id]);
  expect(trail.filter((e) => e.action === 'INSPECT').map((e) => [e.from, e.to])).toEqual([
    ['INSPECTION_REQUESTED', 'INSPECTION_REQUESTED'],
    ['RECTIFIED', 'RECTIFIED'],
  ]);
});
