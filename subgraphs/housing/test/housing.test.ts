import { addDays, todayIn } from '../../../lib/kernel/dates';
import { demoOrganizations } from '../../../seed/demo-organizations';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';

/** The housing subgraph's workflows through the real gateway, over the seeded demo city. */

const CHENGDU = '510100000000';
const WUHOU = '510107000000';
const JINYANG = '510107001000';
const JIFU = '510107001001'; // 武侯区晋阳街道吉福社区
const OTHER_STREET = '510107002000';
const JINJIANG = '510104000000';

const developers = demoOrganizations().filter((o) => o.role === 'DEVELOPER' && o.status === 'ACTIVE');
const DEVELOPER = developers[0]!.id;
const OTHER_DEVELOPER = developers[1]!.id;

let graph: TestGraph;
type Caller =
  'district' | 'otherDistrict' | 'street' | 'street2' | 'otherStreet' | 'developer' | 'otherDeveloper' | 'authority' | 'admin' | 'resident';
const t = {} as Record<Caller, string>;

beforeAll(async () => {
  graph = await startTestGraph({ seed: true, config: { HOUSING_NOTICE_DAYS: '0', HOUSING_AREA_TOLERANCE: '3' } });
  const mint = (roles: Parameters<typeof tokenFor>[0]['roles'], area: string, org?: string, sub?: string) =>
    tokenFor({ roles, area, ...(org ? { org } : {}), ...(sub ? { sub } : {}) });
  Object.assign(t, {
    district: await mint(['DISTRICT_CIVIL_AFFAIRS'], WUHOU),
    otherDistrict: await mint(['DISTRICT_CIVIL_AFFAIRS'], JINJIANG),
    street: await mint(['STREET_OFFICER'], JINYANG),
    street2: await mint(['STREET_OFFICER'], JINYANG, undefined, 'street-officer-2'),
    otherStreet: await mint(['STREET_OFFICER'], OTHER_STREET),
    developer: await mint(['DEVELOPER'], WUHOU, DEVELOPER),
    otherDeveloper: await mint(['DEVELOPER'], WUHOU, OTHER_DEVELOPER),
    authority: await mint(['HOUSING_AUTHORITY'], CHENGDU),
    admin: await mint(['CITY_ADMIN'], CHENGDU),
    resident: await mint(['RESIDENT'], JIFU),
  });
});
afterAll(async () => {
  await graph?.stop();
});

async function call(query: string, variables: Record<string, unknown>, token?: string) {
  const { body } = await graph.request(query, { variables, token });
  return body;
}

async function ok(query: string, variables: Record<string, unknown>, token?: string) {
  const body = await call(query, variables, token);
  expect(body.errors).toBeUndefined();
  return body.data!;
}

async function refused(query: string, variables: Record<string, unknown>, token: string | undefined, code: string) {
  const body = await call(query, variables, token);
  expect(body.errors?.[0]?.extensions?.code).toBe(code);
  return body.errors![0]!;
}

const PREMISES = 'id state version acceptedArea nextStates';

const REGISTER = `mutation ($i: RegisterDevelopmentInput!) { registerDevelopment(input: $i) { development { id acquisition } } }`;
const PLAN = `mutation ($i: PlanPremisesInput!) { planPremises(input: $i) { premises { ${PREMISES} } } }`;
const SIGN = `mutation ($i: SignPremisesPlanInput!) { signPremisesPlan(input: $i) { premises { ${PREMISES} } } }`;
const NOTICE = `mutation ($i: PremisesStepInput!) { publishPremisesNotice(input: $i) { premises { ${PREMISES} noticeEndsOn } } }`;
const START = `mutation ($i: PremisesStepInput!) { startPremisesConstruction(input: $i) { premises { ${PREMISES} } } }`;
const REQUEST = `mutation ($i: PremisesStepInput!) { requestPremisesInspection(input: $i) { premises { ${PREMISES} } } }`;
const INSPECT = `mutation ($i: InspectPremisesInput!) { inspectPremises(input: $i) { premises { ${PREMISES} } } }`;
const COUNTERSIGN = `mutation ($i: SignPremisesPlanInput!) { countersignInspection(input: $i) { premises { ${PREMISES} inspections { round defects outcome signatures { role } } } } }`;
const RECTIFY = `mutation ($i: RectifyPremisesInput!) { rectifyPremises(input: $i) { premises { ${PREMISES} } } }`;
const HANDOVER = `mutation ($i: HandOverPremisesInput!) { handOverPremises(input: $i) { premises { ${PREMISES} titleTransfer { certificateNumber } } } }`;
const IN_USE = `mutation ($i: PremisesStepInput!) { putPremisesInUse(input: $i) { premises { ${PREMISES} } } }`;
const PRICE = `mutation ($i: PublishReferencePriceInput!) { publishReferencePrice(input: $i) { referencePrice { unitPrice { amount } } } }`;
const VALUE = `mutation ($i: ValueBuybackInput!) { valueBuyback(input: $i) { premises { ${PREMISES} buyback { state version referenceYear unitPrice { amount } amount { amount currency } area } } } }`;
const APPROVE = `mutation ($i: BuybackStepInput!) { approveBuyback(input: $i) { premises { ${PREMISES} buyback { state version } } } }`;
const PAY = `mutation ($i: RecordBuybackPaymentInput!) { recordBuybackPayment(input: $i) { premises { ${PREMISES} buyback { state version } } } }`;
const CLEARANCE = `query ($d: ID!) { salesPermitClearance(developmentId: $d) { status reasons { missingStep state message premises { id } } } }`;

let counter = 0;
/** The demo city's day. */
const today = () => todayIn('Asia/Shanghai');

async function development(landGrantDate = '2020-06-01', community = JIFU): Promise<string> {
  const data = await ok(
    REGISTER,
    { i: { developerId: DEVELOPER, communityCode: community, name: `测试楼盘${++counter}`, landGrantDate, plannedHouseholds: 800 } },
    t.authority,
  );
  return data.registerDevelopment.development.id;
}

async function plan(developmentId: string, plannedArea = '400.00'): Promise<{ id: string; version: number }> {
  const data = await ok(
    PLAN,
    { i: { developmentId, building: `${++counter}栋`, floor: 1, unit: '101', plannedArea, purpose: '社区综合服务用房' } },
    t.developer,
  );
  return data.planPremises.premises;
}

type P = { id: string; version: number; state?: string; nextStates?: string[] };

async function advance(p: P, to: string): Promise<P> {
  const order = [
    'PLANNED',
    'PLAN_APPROVED',
    'PUBLICLY_NOTICED',
    'UNDER_CONSTRUCTION',
    'INSPECTION_REQUESTED',
    'ACCEPTED',
    'HANDED_OVER',
    'IN_USE',
  ];
  let current: P = { ...p, state: p.state ?? 'PLANNED' };
  const step = async (query: string, input: Record<string, unknown>, token: string) => {
    const data = await ok(query, { i: { premisesId: current.id, expectedVersion: current.version, ...input } }, token);
    current = Object.values(data)[0].premises;
  };
  while (order.indexOf(current.state!) < order.indexOf(to)) {
    switch (current.state) {
      case 'PLANNED':
        await step(SIGN, { role: 'DISTRICT_CIVIL_AFFAIRS' }, t.district);
        await step(SIGN, { role: 'STREET_OFFICER' }, t.street);
        break;
      case 'PLAN_APPROVED':
        await step(NOTICE, {}, t.street);
        break;
      case 'PUBLICLY_NOTICED':
        await step(START, {}, t.developer);
        break;
      case 'UNDER_CONSTRUCTION':
        await step(REQUEST, {}, t.developer);
        break;
      case 'INSPECTION_REQUESTED':
        await step(INSPECT, { role: 'STREET_OFFICER', ...PASS }, t.street);
        await step(COUNTERSIGN, { role: 'DISTRICT_CIVIL_AFFAIRS' }, t.district);
        break;
      case 'ACCEPTED':
        await step(HANDOVER, { titleCertificateNumber: `川(2026)成都市不动产权第${++counter}号`, transferredOn: today() }, t.district);
        break;
      case 'HANDED_OVER':
        await step(IN_USE, {}, t.street);
        break;
      default:
        throw new Error(`cannot advance from ${current.state}`);
    }
  }
  return current;
}

const PASS = {
  measuredArea: '400.00',
  locationAsPlanned: true,
  aboveGround: true,
  regularShape: true,
  noPartitions: true,
  ownEntrance: true,
  utilities: true,
};

describe('handover workflow', () => {
  test('the whole life from plan to use, every transition audited', async () => {
    const dev = await development();
    const planned = await plan(dev);
    expect(planned).toMatchObject({ state: 'PLANNED', version: 1, nextStates: ['PLAN_APPROVED'] });
    const inUse = await advance(planned, 'IN_USE');
    expect(inUse.state).toBe('IN_USE');
    const { premises } = await ok(
      `query ($id: ID!) { premises(id: $id) { state acceptedArea titleTransfer { certificateNumber } signOffs { role actor } auditTrail { action from to actorRole actor } } }`,
      { id: planned.id },
      t.district,
    );
    expect(premises.acceptedArea).toBe('400.00');
    expect(premises.signOffs.map((s: { role: string }) => s.role).sort()).toEqual(['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER']);
    expect(premises.auditTrail.map((e: { action: string; to: string }) => `${e.action}:${e.to}`)).toEqual([
      'PLAN:PLANNED',
      'SIGN_PLAN:PLANNED',
      'SIGN_PLAN:PLAN_APPROVED',
      'PUBLISH_NOTICE:PUBLICLY_NOTICED',
      'START_CONSTRUCTION:UNDER_CONSTRUCTION',
      'REQUEST_INSPECTION:INSPECTION_REQUESTED',
      'INSPECT:INSPECTION_REQUESTED',
      'COUNTERSIGN_INSPECTION:ACCEPTED',
      'HAND_OVER:HANDED_OVER',
      'PUT_IN_USE:IN_USE',
    ]);
    expect(premises.auditTrail[1].actor).toBe('district_civil_affairs-510107000000');
    // The public sees the role, not the token subject.
    const anonymous = await ok(`query ($id: ID!) { premises(id: $id) { auditTrail { actorRole actor } signOffs { actor } } }`, {
      id: planned.id,
    });
    expect(anonymous.premises.auditTrail[1]).toEqual({ actorRole: 'DISTRICT_CIVIL_AFFAIRS', actor: null });
    expect(anonymous.premises.signOffs.every((s: { actor: string | null }) => s.actor === null)).toBe(true);
  });

  test('one sign-off alone does not approve the plan; the same office cannot sign twice', async () => {
    const p = await plan(await development());
    const once = (await ok(SIGN, { i: { premisesId: p.id, expectedVersion: 1, role: 'STREET_OFFICER' } }, t.street)).signPremisesPlan
      .premises;
    expect(once).toMatchObject({ state: 'PLANNED', version: 2 });
    await refused(SIGN, { i: { premisesId: p.id, expectedVersion: 2, role: 'STREET_OFFICER' } }, t.street2, 'CONFLICT');
    const twice = (await ok(SIGN, { i: { premisesId: p.id, expectedVersion: 2, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.district))
      .signPremisesPlan.premises;
    expect(twice).toMatchObject({ state: 'PLAN_APPROVED', version: 3 });
    await refused(SIGN, { i: { premisesId: p.id, expectedVersion: 3, role: 'STREET_OFFICER' } }, t.street, 'INVALID_TRANSITION');
  });

  test('who may sign: not a street officer of another street, another district, or the developer', async () => {
    const p = await plan(await development());
    const i = { premisesId: p.id, expectedVersion: 1 };
    await refused(SIGN, { i: { ...i, role: 'STREET_OFFICER' } }, t.otherStreet, 'FORBIDDEN');
    await refused(SIGN, { i: { ...i, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.otherDistrict, 'FORBIDDEN');
    await refused(SIGN, { i: { ...i, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.developer, 'FORBIDDEN');
    await refused(SIGN, { i: { ...i, role: 'STREET_OFFICER' } }, undefined, 'UNAUTHENTICATED');
    // Holding one role, signing for the other is a bad input.
    const wrong = await refused(SIGN, { i: { ...i, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.street, 'BAD_USER_INPUT');
    expect(wrong.extensions?.field).toBe('input.role');
    // Nothing was written by the refusals.
    const { premises } = await ok(`query ($id: ID!) { premises(id: $id) { version signOffs { role } auditTrail { action } } }`, {
      id: p.id,
    });
    expect(premises).toEqual({ version: 1, signOffs: [], auditTrail: [{ action: 'PLAN' }] });
  });

  test('every step refused out of order with INVALID_TRANSITION, and by the wrong role with FORBIDDEN', async () => {
    const dev = await development();
    const p = await plan(dev);
    const i = (v: number) => ({ premisesId: p.id, expectedVersion: v });
    await refused(NOTICE, { i: i(1) }, t.street, 'INVALID_TRANSITION');
    await refused(START, { i: i(1) }, t.developer, 'INVALID_TRANSITION');
    await refused(REQUEST, { i: i(1) }, t.developer, 'INVALID_TRANSITION');
    await refused(INSPECT, { i: { ...i(1), role: 'STREET_OFFICER', ...PASS } }, t.street, 'INVALID_TRANSITION');
    await refused(COUNTERSIGN, { i: { ...i(1), role: 'STREET_OFFICER' } }, t.street, 'INVALID_TRANSITION');
    await refused(RECTIFY, { i: { ...i(1), description: '拆除隔断' } }, t.developer, 'INVALID_TRANSITION');
    await refused(HANDOVER, { i: { ...i(1), titleCertificateNumber: 'X1', transferredOn: today() } }, t.district, 'INVALID_TRANSITION');
    await refused(IN_USE, { i: i(1) }, t.street, 'INVALID_TRANSITION');

    const approved = await advance(p, 'PLAN_APPROVED');
    await refused(NOTICE, { i: i(approved.version) }, t.developer, 'FORBIDDEN');
    await refused(NOTICE, { i: i(approved.version) }, t.otherStreet, 'FORBIDDEN');
    const noticed = await advance(approved, 'PUBLICLY_NOTICED');
    await refused(START, { i: i(noticed.version) }, t.street, 'FORBIDDEN');
    await refused(START, { i: i(noticed.version) }, t.otherDeveloper, 'FORBIDDEN');
    const building = await advance(noticed, 'UNDER_CONSTRUCTION');
    await refused(REQUEST, { i: i(building.version) }, t.district, 'FORBIDDEN');
    const requested = await advance(building, 'INSPECTION_REQUESTED');
    await refused(INSPECT, { i: { ...i(requested.version), role: 'STREET_OFFICER', ...PASS } }, t.otherStreet, 'FORBIDDEN');
    await refused(INSPECT, { i: { ...i(requested.version), role: 'STREET_OFFICER', ...PASS } }, t.developer, 'FORBIDDEN');
    const accepted = await advance(requested, 'ACCEPTED');
    await refused(HANDOVER, { i: { ...i(accepted.version), titleCertificateNumber: 'X2', transferredOn: today() } }, t.street, 'FORBIDDEN');
    const blank = await refused(
      HANDOVER,
      { i: { ...i(accepted.version), titleCertificateNumber: '  ', transferredOn: today() } },
      t.district,
      'BAD_USER_INPUT',
    );
    expect(blank.extensions?.field).toBe('input.titleCertificateNumber');
    const handed = await advance(accepted, 'HANDED_OVER');
    await refused(IN_USE, { i: i(handed.version) }, t.developer, 'FORBIDDEN');
    const inUse = await advance(handed, 'IN_USE');
    expect(inUse.nextStates).toEqual([]);
    await refused(IN_USE, { i: i(inUse.version) }, t.street, 'INVALID_TRANSITION');
  });

  test('construction waits for the end of the notice period', async () => {
    const other = await startTestGraph({ seed: true, config: { HOUSING_NOTICE_DAYS: '10' } });
    try {
      const request = async (query: string, variables: Record<string, unknown>, token: string) =>
        (await other.request(query, { variables, token })).body;
      const dev = (
        await request(
          REGISTER,
          { i: { developerId: DEVELOPER, communityCode: JIFU, name: '公示期楼盘', landGrantDate: '2020-01-01', plannedHouseholds: 500 } },
          t.authority,
        )
      ).data!.registerDevelopment.development.id;
      const p = (
        await request(
          PLAN,
          { i: { developmentId: dev, building: '1栋', floor: 2, unit: '201', plannedArea: '380', purpose: '社区用房' } },
          t.developer,
        )
      ).data!.planPremises.premises;
      await request(SIGN, { i: { premisesId: p.id, expectedVersion: 1, role: 'STREET_OFFICER' } }, t.street);
      await request(SIGN, { i: { premisesId: p.id, expectedVersion: 2, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.district);
      const noticed = (await request(NOTICE, { i: { premisesId: p.id, expectedVersion: 3 } }, t.street)).data!.publishPremisesNotice
        .premises;
      expect(noticed.noticeEndsOn).toBe(addDays(today(), 10));
      const early = await request(START, { i: { premisesId: p.id, expectedVersion: 4 } }, t.developer);
      expect(early.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
      expect(early.errors?.[0]?.message).toContain(noticed.noticeEndsOn);
    } finally {
      await other.stop();
    }
  });

  test('a stale expectedVersion is a CONFLICT and writes nothing', async () => {
    const p = await plan(await development());
    const stale = await refused(SIGN, { i: { premisesId: p.id, expectedVersion: 7, role: 'STREET_OFFICER' } }, t.street, 'CONFLICT');
    expect(stale.extensions?.field).toBe('input.expectedVersion');
    const { premises } = await ok(`query ($id: ID!) { premises(id: $id) { version signOffs { role } } }`, { id: p.id });
    expect(premises).toEqual({ version: 1, signOffs: [] });
  });
});

describe('acceptance inspection', () => {
  async function inspected(items: Partial<typeof PASS>, plannedArea = '400.00') {
    const requested = await advance(await plan(await development(), plannedArea), 'INSPECTION_REQUESTED');
    const first = (
      await ok(
        INSPECT,
        { i: { premisesId: requested.id, expectedVersion: requested.version, role: 'DISTRICT_CIVIL_AFFAIRS', ...PASS, ...items } },
        t.district,
      )
    ).inspectPremises.premises;
    expect(first.state).toBe('INSPECTION_REQUESTED');
    return (await ok(COUNTERSIGN, { i: { premisesId: requested.id, expectedVersion: first.version, role: 'STREET_OFFICER' } }, t.street))
      .countersignInspection.premises;
  }

  test.each([
    [{ locationAsPlanned: false }, 'LOCATION_NOT_AS_PLANNED'],
    [{ aboveGround: false }, 'BASEMENT'],
    [{ regularShape: false }, 'IRREGULAR_SHAPE'],
    [{ noPartitions: false }, 'PARTITIONED'],
    [{ ownEntrance: false }, 'NO_OWN_ENTRANCE'],
    [{ utilities: false }, 'NO_UTILITIES'],
    [{ measuredArea: '387.99' }, 'AREA_SHORT'],
  ])('%o alone rejects with %s', async (items, defect) => {
    const p = await inspected(items);
    expect(p.state).toBe('REJECTED');
    expect(p.acceptedArea).toBeNull();
    expect(p.inspections).toEqual([
      { round: 1, defects: [defect], outcome: 'REJECTED', signatures: [{ role: 'DISTRICT_CIVIL_AFFAIRS' }, { role: 'STREET_OFFICER' }] },
    ]);
  });

  test('a full pass accepts; the tolerance edge (3% of 400 = 388.00) passes, a fen less fails', async () => {
    expect((await inspected({ measuredArea: '388.00' })).state).toBe('ACCEPTED');
    expect((await inspected({ measuredArea: '388.00' })).acceptedArea).toBe('388.00');
    expect((await inspected({ measuredArea: '412.50' })).state).toBe('ACCEPTED');
    expect((await inspected({ measuredArea: '387.99' })).state).toBe('REJECTED');
    // Odd planned area: 333.33 × 0.97 = 323.3301, so 323.34 passes and 323.33 fails.
    expect((await inspected({ measuredArea: '323.34' }, '333.33')).state).toBe('ACCEPTED');
    expect((await inspected({ measuredArea: '323.33' }, '333.33')).state).toBe('REJECTED');
  });

  test('rejected, rectified, inspected again: the second round accepts', async () => {
    const rejected = await inspected({ noPartitions: false, aboveGround: false });
    expect(rejected.inspections[0].defects).toEqual(['BASEMENT', 'PARTITIONED']);
    await refused(
      RECTIFY,
      { i: { premisesId: rejected.id, expectedVersion: rejected.version, description: '' } },
      t.developer,
      'BAD_USER_INPUT',
    );
    const rectified = (
      await ok(
        RECTIFY,
        { i: { premisesId: rejected.id, expectedVersion: rejected.version, description: '拆除隔断，改至地上一层' } },
        t.developer,
      )
    ).rectifyPremises.premises;
    expect(rectified.state).toBe('RECTIFIED');
    const first = (
      await ok(INSPECT, { i: { premisesId: rejected.id, expectedVersion: rectified.version, role: 'STREET_OFFICER', ...PASS } }, t.street)
    ).inspectPremises.premises;
    // The office that recorded it cannot countersign it.
    await refused(
      COUNTERSIGN,
      { i: { premisesId: rejected.id, expectedVersion: first.version, role: 'STREET_OFFICER' } },
      t.street2,
      'FORBIDDEN',
    );
    const accepted = (
      await ok(COUNTERSIGN, { i: { premisesId: rejected.id, expectedVersion: first.version, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.district)
    ).countersignInspection.premises;
    expect(accepted.state).toBe('ACCEPTED');
    expect(accepted.inspections.map((i: { round: number; outcome: string }) => `${i.round}:${i.outcome}`)).toEqual([
      '1:REJECTED',
      '2:ACCEPTED',
    ]);
  });
});

describe('sales-permit clearance', () => {
  test("BLOCKED with every reason until acceptance, then CLEARED; the housing authority's queries are logged", async () => {
    const dev = await development();
    const none = (await ok(CLEARANCE, { d: dev }, t.authority)).salesPermitClearance;
    expect(none.status).toBe('BLOCKED');
    expect(none.reasons).toEqual([expect.objectContaining({ missingStep: 'PLANNED', premises: null })]);

    const a = await plan(dev);
    const b = await plan(dev);
    await ok(SIGN, { i: { premisesId: a.id, expectedVersion: 1, role: 'STREET_OFFICER' } }, t.street);
    const blocked = (await ok(CLEARANCE, { d: dev }, t.authority)).salesPermitClearance;
    expect(blocked.status).toBe('BLOCKED');
    expect(blocked.reasons).toHaveLength(2);
    expect(blocked.reasons[0]).toMatchObject({ premises: { id: a.id }, state: 'PLANNED', missingStep: 'PLAN_APPROVED' });
    expect(blocked.reasons[0].message).toContain('DISTRICT_CIVIL_AFFAIRS');
    expect(blocked.reasons[0].message).not.toContain('STREET_OFFICER');

    await ok(SIGN, { i: { premisesId: a.id, expectedVersion: 2, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.district);
    await advance({ ...a, version: 3, state: 'PLAN_APPROVED' }, 'ACCEPTED');
    const requested = await advance(b, 'INSPECTION_REQUESTED');
    const oneLeft = (await ok(CLEARANCE, { d: dev }, t.street)).salesPermitClearance;
    expect(oneLeft.reasons).toEqual([
      expect.objectContaining({ premises: { id: b.id }, state: 'INSPECTION_REQUESTED', missingStep: 'ACCEPTED' }),
    ]);
    await advance(requested, 'ACCEPTED');
    expect((await ok(CLEARANCE, { d: dev }, t.authority)).salesPermitClearance).toEqual({ status: 'CLEARED', reasons: [] });

    const log = await ok(
      `query ($d: ID!) { clearanceQueries(developmentId: $d) { totalCount edges { node { askedBy askedArea status reasons } } } }`,
      { d: dev },
      t.authority,
    );
    // Three queries by the housing authority (newest first); the street officer's is not logged.
    expect(log.clearanceQueries.totalCount).toBe(3);
    expect(log.clearanceQueries.edges.map((e: { node: { status: string } }) => e.node.status)).toEqual(['CLEARED', 'BLOCKED', 'BLOCKED']);
    expect(log.clearanceQueries.edges[1].node).toMatchObject({ askedBy: 'housing_authority-510100000000', askedArea: CHENGDU });
    expect(log.clearanceQueries.edges[1].node.reasons).toHaveLength(2);
  });

  test('a rejected premises shows the failed items of its latest rejecting inspection and that inspection, in the answer itself', async () => {
    const REASONS = `query ($d: ID!) { salesPermitClearance(developmentId: $d) { status reasons { state missingStep message defects areaShortBy
      inspection { id round outcome decidedAt measuredArea areaShortBy defects signatures { role area } } } } }`;
    const INSPECTIONS = `query ($p: ID!) { premises(id: $p) { inspections { id round decidedAt } } }`;
    const dev = await development();
    const requested = await advance(await plan(dev, '400.00'), 'INSPECTION_REQUESTED');
    const inspect = async (version: number, items: Partial<typeof PASS>) => {
      const first = (
        await ok(
          INSPECT,
          { i: { premisesId: requested.id, expectedVersion: version, role: 'STREET_OFFICER', ...PASS, ...items } },
          t.street,
        )
      ).inspectPremises.premises;
      return (
        await ok(
          COUNTERSIGN,
          { i: { premisesId: requested.id, expectedVersion: first.version, role: 'DISTRICT_CIVIL_AFFAIRS' } },
          t.district,
        )
      ).countersignInspection.premises;
    };

    const basement = await inspect(requested.version, { aboveGround: false });
    const [round1] = (await ok(INSPECTIONS, { p: requested.id })).premises.inspections;
    const first = (await ok(REASONS, { d: dev }, t.authority)).salesPermitClearance;
    expect(first.status).toBe('BLOCKED');
    expect(first.reasons).toEqual([
      {
        state: 'REJECTED',
        missingStep: 'RECTIFIED',
        message: expect.stringContaining('BASEMENT'),
        defects: ['BASEMENT'],
        areaShortBy: null,
        inspection: {
          id: round1.id,
          round: 1,
          outcome: 'REJECTED',
          decidedAt: round1.decidedAt,
          measuredArea: '400.00',
          areaShortBy: null,
          defects: ['BASEMENT'],
          signatures: [
            { role: 'STREET_OFFICER', area: JINYANG },
            { role: 'DISTRICT_CIVIL_AFFAIRS', area: WUHOU },
          ],
        },
      },
    ]);

    const rectified = (
      await ok(RECTIFY, { i: { premisesId: requested.id, expectedVersion: basement.version, description: '改至地上一层' } }, t.developer)
    ).rectifyPremises.premises;
    await inspect(rectified.version, { noPartitions: false, ownEntrance: false, measuredArea: '372.50' });
    const round2 = (await ok(INSPECTIONS, { p: requested.id })).premises.inspections[1];
    const second = (await ok(REASONS, { d: dev }, t.authority)).salesPermitClearance;
    expect(second.reasons).toHaveLength(1);
    expect(second.reasons[0]).toMatchObject({
      state: 'REJECTED',
      defects: ['AREA_SHORT', 'PARTITIONED', 'NO_OWN_ENTRANCE'],
      areaShortBy: '27.50',
      inspection: { id: round2.id, round: 2, decidedAt: round2.decidedAt, defects: ['AREA_SHORT', 'PARTITIONED', 'NO_OWN_ENTRANCE'] },
    });
    expect(second.reasons[0].message).toMatch(
      /^Premises \S+ 1F 101 is REJECTED: inspection round 2 found AREA_SHORT \(27\.50 m² short of the planned 400\.00\), PARTITIONED, NO_OWN_ENTRANCE; it still needs RECTIFIED before acceptance\.$/,
    );
    // The log keeps what the authority was told.
    const log = await ok(
      `query ($d: ID!) { clearanceQueries(developmentId: $d, first: 1) { edges { node { reasons } } } }`,
      { d: dev },
      t.authority,
    );
    expect(log.clearanceQueries.edges[0].node.reasons).toEqual([second.reasons[0].message]);

    // Reported put right but not inspected again: still the items of round 2 until an inspection passes.
    const rejected = (await ok(`query ($p: ID!) { premises(id: $p) { version } }`, { p: requested.id })).premises;
    await ok(
      RECTIFY,
      { i: { premisesId: requested.id, expectedVersion: rejected.version, description: '拆除隔断，增设独立出入口' } },
      t.developer,
    );
    const third = (await ok(REASONS, { d: dev }, t.authority)).salesPermitClearance;
    expect(third.reasons[0]).toMatchObject({
      state: 'RECTIFIED',
      missingStep: 'ACCEPTED',
      defects: ['AREA_SHORT', 'PARTITIONED', 'NO_OWN_ENTRANCE'],
      inspection: { id: round2.id },
    });
    expect(third.reasons[0].message).toMatch(/is RECTIFIED: the developer reports put right what inspection round 2 found/);
  });

  test('not for residents, other districts or another developer', async () => {
    const dev = await development();
    await refused(CLEARANCE, { d: dev }, t.resident, 'FORBIDDEN');
    await refused(CLEARANCE, { d: dev }, t.otherDistrict, 'FORBIDDEN');
    await refused(CLEARANCE, { d: dev }, t.otherDeveloper, 'FORBIDDEN');
    await refused(CLEARANCE, { d: dev }, undefined, 'UNAUTHENTICATED');
    await ok(CLEARANCE, { d: dev }, t.developer);
    await refused(`query ($d: ID!) { clearanceQueries(developmentId: $d) { totalCount } }`, { d: dev }, t.street, 'FORBIDDEN');
  });
});

describe('buyback', () => {
  const year = Number(today().slice(0, 4));

  test('refused without a published price for the basis; exact amount; approval, payment, then handover', async () => {
    const dev = await development('2012-03-01');
    const accepted = await advance(await plan(dev, '437.37'), 'INSPECTION_REQUESTED');
    const first = (
      await ok(
        INSPECT,
        { i: { premisesId: accepted.id, expectedVersion: accepted.version, role: 'STREET_OFFICER', ...PASS, measuredArea: '436.83' } },
        t.street,
      )
    ).inspectPremises.premises;
    const p = (
      await ok(COUNTERSIGN, { i: { premisesId: accepted.id, expectedVersion: first.version, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.district)
    ).countersignInspection.premises;
    expect(p.state).toBe('ACCEPTED');

    // A buyback must be paid before the handover.
    await refused(
      HANDOVER,
      { i: { premisesId: p.id, expectedVersion: p.version, titleCertificateNumber: 'T1', transferredOn: today() } },
      t.district,
      'INVALID_TRANSITION',
    );

    const missing = await refused(
      VALUE,
      { i: { premisesId: p.id, expectedVersion: p.version, priceType: 'COMMERCIAL', zone: 'MAIN_URBAN' } },
      t.district,
      'BAD_USER_INPUT',
    );
    expect(missing.extensions?.missing).toEqual({ city: CHENGDU, year: year - 1, priceType: 'COMMERCIAL', zone: 'MAIN_URBAN' });
    expect(missing.message).toContain(`${year - 1} COMMERCIAL MAIN_URBAN`);

    await refused(
      PRICE,
      { i: { city: CHENGDU, year: year - 1, priceType: 'COMMERCIAL', zone: 'MAIN_URBAN', unitPrice: '1.00', sourceDocument: 'x' } },
      t.district,
      'FORBIDDEN',
    );
    await ok(
      PRICE,
      {
        i: {
          city: CHENGDU,
          year: year - 1,
          priceType: 'COMMERCIAL',
          zone: 'MAIN_URBAN',
          unitPrice: '15237.49',
          sourceDocument: '成都市统计局统计公报',
        },
      },
      t.admin,
    );
    await refused(
      PRICE,
      { i: { city: CHENGDU, year: year - 1, priceType: 'COMMERCIAL', zone: 'MAIN_URBAN', unitPrice: '1.00', sourceDocument: 'x' } },
      t.admin,
      'CONFLICT',
    );

    await refused(
      VALUE,
      { i: { premisesId: p.id, expectedVersion: p.version, priceType: 'COMMERCIAL', zone: 'MAIN_URBAN' } },
      t.admin,
      'FORBIDDEN',
    );
    const valued = (
      await ok(VALUE, { i: { premisesId: p.id, expectedVersion: p.version, priceType: 'COMMERCIAL', zone: 'MAIN_URBAN' } }, t.district)
    ).valueBuyback.premises;
    // 436.83 × 15237.49 = 6656192.7567 → 6656192.76 (computed here with integers, independently).
    const exact = 43683n * 1523749n;
    const fen = (exact + 50n) / 100n;
    expect(valued.buyback).toMatchObject({
      state: 'VALUED',
      referenceYear: year - 1,
      area: '436.83',
      unitPrice: { amount: '15237.49' },
      amount: { amount: `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`, currency: 'CNY' },
    });
    expect(valued.buyback.amount.amount).toBe('6656192.76');

    await refused(
      PAY,
      { i: { premisesId: p.id, expectedVersion: 1, paymentReference: 'P-1', paidOn: today() } },
      t.admin,
      'INVALID_TRANSITION',
    );
    await refused(APPROVE, { i: { premisesId: p.id, expectedVersion: 1 } }, t.district, 'FORBIDDEN');
    const approved = (await ok(APPROVE, { i: { premisesId: p.id, expectedVersion: 1 } }, t.admin)).approveBuyback.premises;
    expect(approved.buyback).toEqual({ state: 'APPROVED', version: 2 });
    await refused(APPROVE, { i: { premisesId: p.id, expectedVersion: 2 } }, t.admin, 'INVALID_TRANSITION');
    const paid = (
      await ok(PAY, { i: { premisesId: p.id, expectedVersion: 2, paymentReference: '财付[2026]18号', paidOn: today() } }, t.admin)
    ).recordBuybackPayment.premises;
    expect(paid.buyback).toEqual({ state: 'PAID', version: 3 });
    const handed = (
      await ok(
        HANDOVER,
        { i: { premisesId: p.id, expectedVersion: paid.version, titleCertificateNumber: 'T1', transferredOn: today() } },
        t.district,
      )
    ).handOverPremises.premises;
    expect(handed.state).toBe('HANDED_OVER');
    const { premises } = await ok(`query ($id: ID!) { premises(id: $id) { auditTrail { action } } }`, { id: p.id });
    expect(premises.auditTrail.map((e: { action: string }) => e.action).slice(-4)).toEqual([
      'VALUE_BUYBACK',
      'APPROVE_BUYBACK',
      'PAY_BUYBACK',
      'HAND_OVER',
    ]);
  });

  test('the reference year is the year before the valuation unless overridden with a reason', async () => {
    const p = await advance(await plan(await development('2010-01-01')), 'ACCEPTED');
    await ok(
      PRICE,
      {
        i: { city: CHENGDU, year: year - 3, priceType: 'RESIDENTIAL', zone: 'CITY_WIDE', unitPrice: '9876.54', sourceDocument: '统计年鉴' },
      },
      t.admin,
    );
    const noReason = await refused(
      VALUE,
      { i: { premisesId: p.id, expectedVersion: p.version, priceType: 'RESIDENTIAL', zone: 'CITY_WIDE', referenceYear: year - 3 } },
      t.district,
      'BAD_USER_INPUT',
    );
    expect(noReason.extensions?.field).toBe('input.referenceYearReason');
    const missing = await refused(
      VALUE,
      {
        i: {
          premisesId: p.id,
          expectedVersion: p.version,
          priceType: 'RESIDENTIAL',
          zone: 'CITY_WIDE',
          referenceYear: year - 5,
          referenceYearReason: '合同',
        },
      },
      t.district,
      'BAD_USER_INPUT',
    );
    expect(missing.extensions?.missing).toEqual({ city: CHENGDU, year: year - 5, priceType: 'RESIDENTIAL', zone: 'CITY_WIDE' });
    const valued = (
      await ok(
        VALUE,
        {
          i: {
            premisesId: p.id,
            expectedVersion: p.version,
            priceType: 'RESIDENTIAL',
            zone: 'CITY_WIDE',
            referenceYear: year - 3,
            referenceYearReason: '土地出让合同约定',
          },
        },
        t.district,
      )
    ).valueBuyback.premises;
    expect(valued.buyback).toMatchObject({ referenceYear: year - 3, unitPrice: { amount: '9876.54' }, amount: { amount: '3950616.00' } });
  });

  test('without an override the reference year is the year before the valuation, at its published price', async () => {
    const p = await advance(await plan(await development('2011-05-05'), '250.50'), 'ACCEPTED');
    const prices = await ok(
      `query { referencePrices(city: "${CHENGDU}", first: 100) { edges { node { year priceType zone unitPrice { amount } } } } }`,
      {},
    );
    const published = prices.referencePrices.edges
      .map((e: { node: object }) => e.node)
      .find(
        (n: { year: number; priceType: string; zone: string }) =>
          n.year === year - 1 && n.priceType === 'RESIDENTIAL' && n.zone === 'MAIN_URBAN',
      );
    expect(published).toBeDefined();
    const valued = (
      await ok(VALUE, { i: { premisesId: p.id, expectedVersion: p.version, priceType: 'RESIDENTIAL', zone: 'MAIN_URBAN' } }, t.district)
    ).valueBuyback.premises;
    expect(valued.buyback).toMatchObject({ referenceYear: year - 1, unitPrice: published.unitPrice });
  });

  test('a free handover has no buyback', async () => {
    const p = await advance(await plan(await development('2020-01-01')), 'ACCEPTED');
    await refused(
      VALUE,
      { i: { premisesId: p.id, expectedVersion: p.version, priceType: 'RESIDENTIAL', zone: 'CITY_WIDE' } },
      t.district,
      'INVALID_TRANSITION',
    );
  });
});

describe('concurrency', () => {
  test('two officers signing, inspecting or countersigning at once: one wins, the other gets CONFLICT', async () => {
    for (let round = 0; round < 3; round++) {
      const p = await plan(await development());
      const both = await Promise.all([
        call(SIGN, { i: { premisesId: p.id, expectedVersion: 1, role: 'STREET_OFFICER' } }, t.street),
        call(SIGN, { i: { premisesId: p.id, expectedVersion: 1, role: 'DISTRICT_CIVIL_AFFAIRS' } }, t.district),
      ]);
      expect(both.filter((r) => !r.errors).length).toBe(1);
      expect(both.find((r) => r.errors)!.errors![0]!.extensions?.code).toBe('CONFLICT');
      const { premises } = await ok(`query ($id: ID!) { premises(id: $id) { state version signOffs { role } auditTrail { action } } }`, {
        id: p.id,
      });
      expect(premises.state).toBe('PLANNED');
      expect(premises.version).toBe(2);
      expect(premises.signOffs).toHaveLength(1);
      expect(premises.auditTrail).toHaveLength(2);
    }
    const requested = await advance(await plan(await development()), 'INSPECTION_REQUESTED');
    const inspections = await Promise.all([
      call(INSPECT, { i: { premisesId: requested.id, expectedVersion: requested.version, role: 'STREET_OFFICER', ...PASS } }, t.street),
      call(
        INSPECT,
        {
          i: { premisesId: requested.id, expectedVersion: requested.version, role: 'DISTRICT_CIVIL_AFFAIRS', ...PASS, aboveGround: false },
        },
        t.district,
      ),
    ]);
    expect(inspections.filter((r) => !r.errors).length).toBe(1);
    expect(inspections.find((r) => r.errors)!.errors![0]!.extensions?.code).toBe('CONFLICT');
    const winner = inspections.find((r) => !r.errors)!.data!.inspectPremises.premises;
    const countersigner = inspections[0].errors
      ? { role: 'STREET_OFFICER', token: t.street }
      : { role: 'DISTRICT_CIVIL_AFFAIRS', token: t.district };
    const [a, b] = await Promise.all([
      call(
        COUNTERSIGN,
        { i: { premisesId: requested.id, expectedVersion: winner.version, role: countersigner.role } },
        countersigner.token,
      ),
      call(
        COUNTERSIGN,
        { i: { premisesId: requested.id, expectedVersion: winner.version, role: countersigner.role } },
        countersigner.token,
      ),
    ]);
    expect([a, b].filter((r) => !r.errors).length).toBe(1);
    expect([a, b].find((r) => r.errors)!.errors![0]!.extensions?.code).toBe('CONFLICT');
    const { premises } = await ok(
      `query ($id: ID!) { premises(id: $id) { inspections { round outcome signatures { role } } auditTrail { action } } }`,
      { id: requested.id },
    );
    expect(premises.inspections).toHaveLength(1);
    expect(premises.inspections[0].signatures).toHaveLength(2);
    expect(premises.auditTrail.filter((e: { action: string }) => e.action === 'COUNTERSIGN_INSPECTION')).toHaveLength(1);
  });
});
