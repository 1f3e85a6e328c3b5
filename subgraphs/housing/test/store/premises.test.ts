import { todayIn } from '../../../../lib/kernel/dates';
import { databaseKind } from '../../../../test/support/database';
import { loadHousingConfig } from '../../src/config';
import type { SignOffRole } from '../../src/generated/prisma/enums';
import type { DevelopmentModel, PremisesModel } from '../../src/models';
import { createHousingStore } from '../../src/store';
import {
  codeOf,
  development,
  force,
  holdRowLock,
  JIFU,
  officer,
  openStore,
  OTHER_JINYANG,
  page,
  premises,
  street,
  TIME_ZONE,
  type StoreHarness,
} from './support';

/** The premises module at its edges: paging ties, versions (stale, concurrent), sign-offs, the audit trail. */

let h: StoreHarness;
let garden: DevelopmentModel;

beforeAll(async () => {
  h = await openStore();
  garden = await development(h.store);
});

afterAll(() => h.close());

const plan = (building: string, floor: number, unit: string, communityCode = JIFU) =>
  premises(h.store, garden, { building, floor, unit, communityCode });

describe('premises of communities, by building, floor, unit and id', () => {
  let rows: PremisesModel[];
  beforeAll(async () => {
    rows = [
      await plan('B', 3, '301'),
      await plan('A', 2, '201'),
      await plan('A', 10, '1001'),
      await plan('A', 2, '202'),
      await plan('A', 1, '101', OTHER_JINYANG),
    ];
  });

  test('a page takes the lowest floors first (numerically) and one row more than asked', async () => {
    const ids = await h.store.premises.idsOfCommunities([JIFU], page(2));
    expect(ids).toEqual([rows[1], rows[3], rows[2]].map((p) => ({ owner: JIFU, id: p!.id })));
  });

  test("the page is cut after sorting by floor: floor 2's second unit comes before floor 10's unit", async () => {
    const ids = await h.store.premises.idsOfCommunities([JIFU], page(1));
    expect(ids.map((r) => r.id)).toEqual([rows[1]!.id, rows[3]!.id]);
  });

  test('after a unit, the next page starts at the next unit of the floor, without the cursor', async () => {
    const ids = await h.store.premises.idsOfCommunities([JIFU], page(5, ['A', 2, '201', rows[1]!.id]));
    expect(ids.map((r) => r.id)).toEqual([rows[3]!.id, rows[2]!.id, rows[0]!.id]);
  });

  test('counts per community', async () => {
    expect(await h.store.premises.countOfCommunities([JIFU, OTHER_JINYANG])).toEqual(
      expect.arrayContaining([
        { key: JIFU, count: 4 },
        { key: OTHER_JINYANG, count: 1 },
      ]),
    );
  });

  test('premises of a development in the order they were planned', async () => {
    const planned = await h.store.premises.ofDevelopments([garden.id]);
    expect(planned.map((p) => p.id)).toEqual(rows.map((p) => p.id));
  });
});

describe('a step is a versioned write', () => {
  test('it bumps the version by one and writes the change', async () => {
    const p = await plan('S', 1, 'step');
    const moved = await h.store.premises.step(p.id, p.version, () => ({ to: 'PLAN_APPROVED', action: 'APPROVE' }), officer);
    expect(moved).toMatchObject({ state: 'PLAN_APPROVED', version: p.version + 1 });
  });

  test('a stale version is refused with CONFLICT and the current version', async () => {
    const p = await force(h.store, await plan('S', 2, 'stale'), 'PLAN_APPROVED');
    const refusal = h.store.premises.step(p.id, p.version - 1, () => ({ to: 'PUBLICLY_NOTICED', action: 'NOTICE' }), officer);
    await expect(refusal).rejects.toMatchObject({ extensions: { code: 'CONFLICT', currentVersion: p.version } });
    expect((await h.store.premises.byId([p.id]))[0]!.state).toBe('PLAN_APPROVED');
  });

  test('an unknown premises is NOT_FOUND', async () => {
    expect(
      await codeOf(h.store.premises.step('3f2504e0-4f89-41d3-9a0c-0305e82c3301', 1, () => ({ to: 'PLANNED', action: 'X' }), officer)),
    ).toBe('NOT_FOUND');
  });

  test('the step sees the buyback of the premises', async () => {
    const p = await force(h.store, await plan('S', 3, 'bought'), 'ACCEPTED', '90.00');
    await h.store.referencePrices.publish(
      { city: '510100000000', year: 2025, priceType: 'COMMERCIAL', zone: 'CITY_WIDE', unitPrice: '10000.00', sourceDocument: 'doc' },
      officer,
    );
    await h.store.buybacks.step(
      p.id,
      p.version,
      () => ({ state: 'VALUED', from: 'NOT_VALUED', action: 'VALUE', data: valued(p.id) }),
      officer,
    );
    let seen: string | undefined;
    await h.store.premises.step(
      p.id,
      p.version + 1,
      (_current, buyback) => {
        seen = buyback?.state;
        return { to: 'ACCEPTED', action: 'LOOK' };
      },
      officer,
    );
    expect(seen).toBe('VALUED');
  });
});

function valued(premisesId: string) {
  return {
    premisesId,
    priceType: 'COMMERCIAL' as const,
    zone: 'CITY_WIDE' as const,
    referenceYear: 2025,
    referenceYearReason: null,
    unitPrice: '10000.00',
    sourceDocument: 'doc',
    area: '90.00',
    amount: '900000.00',
    valuedOn: new Date('2026-01-10T00:00:00Z'),
  };
}

describe('the plan sign-offs', () => {
  const decide = (seen: SignOffRole[][]) => (current: PremisesModel, signed: SignOffRole[]) => {
    seen.push(signed);
    return { to: signed.length === 1 ? ('PLAN_APPROVED' as const) : current.state, action: 'SIGN_PLAN' };
  };

  test("the second office sees the first one's sign-off, and both are listed in the order they signed", async () => {
    const p = await plan('P', 1, 'signed');
    const seen: SignOffRole[][] = [];
    const first = await h.store.premises.signPlan(p.id, p.version, 'STREET_OFFICER', decide(seen), street);
    const second = await h.store.premises.signPlan(p.id, first.version, 'DISTRICT_CIVIL_AFFAIRS', decide(seen), officer);
    expect(seen).toEqual([[], ['STREET_OFFICER']]);
    expect(second.state).toBe('PLAN_APPROVED');
    const signOffs = await h.store.premises.signOffs([p.id]);
    expect(signOffs.map((s) => [s.role, s.actor, s.area, s.communityCode])).toEqual([
      ['STREET_OFFICER', street.id, street.area, JIFU],
      ['DISTRICT_CIVIL_AFFAIRS', officer.id, officer.area, JIFU],
    ]);
  });

  test('a stale version is refused and no sign-off is written', async () => {
    const p = await h.store.premises.step((await plan('P', 2, 'stale')).id, 1, () => ({ to: 'PLANNED', action: 'TOUCH' }), officer);
    expect(await codeOf(h.store.premises.signPlan(p.id, p.version - 1, 'STREET_OFFICER', decide([]), street))).toBe('CONFLICT');
    expect(await h.store.premises.signOffs([p.id])).toEqual([]);
  });

  test('the same office signing twice (a racing duplicate) is a CONFLICT, not a database error', async () => {
    const p = await plan('P', 3, 'twice');
    const once = await h.store.premises.signPlan(p.id, p.version, 'STREET_OFFICER', () => ({ to: 'PLANNED', action: 'SIGN_PLAN' }), street);
    const refusal = h.store.premises.signPlan(
      once.id,
      once.version,
      'STREET_OFFICER',
      () => ({ to: 'PLANNED', action: 'SIGN_PLAN' }),
      street,
    );
    await expect(refusal).rejects.toMatchObject({ extensions: { code: 'CONFLICT', field: 'input.expectedVersion' } });
  });
});

describe('the audit trail', () => {
  test('each step in the order written, with its states, actor, role, organisation and reason', async () => {
    const p = await plan('T', 1, 'trail');
    const approved = await h.store.premises.step(
      p.id,
      p.version,
      () => ({ to: 'PLAN_APPROVED', action: 'APPROVE', reason: 'both signed' }),
      officer,
    );
    await h.store.premises.step(p.id, approved.version, () => ({ to: 'PUBLICLY_NOTICED', action: 'NOTICE' }), street);
    const trail = await h.store.premises.auditTrails([p.id]);
    expect(trail.map((e) => [e.action, e.from, e.to, e.actor, e.actorRole, e.reason])).toEqual([
      ['PLAN', null, 'PLANNED', 'developer', 'DEVELOPER', null],
      ['APPROVE', 'PLANNED', 'PLAN_APPROVED', officer.id, 'DISTRICT_CIVIL_AFFAIRS', 'both signed'],
      ['NOTICE', 'PLAN_APPROVED', 'PUBLICLY_NOTICED', street.id, 'STREET_OFFICER', null],
    ]);
    expect(trail[0]!.actorOrganization).toBe(garden.developerId);
  });
});

describe('today', () => {
  test("is the city's day, not the server's: a day apart at the two ends of the date line", async () => {
    // Stores of cities 26 hours apart, on the same database (today() reads no row).
    const [east, west] = ['Pacific/Kiritimati', 'Etc/GMT+12'].map((zone) =>
      createHousingStore(h.database, undefined, zone, loadHousingConfig({})),
    );
    try {
      expect(east!.today() > west!.today()).toBe(true);
      expect(h.store.today()).toBe(todayIn(TIME_ZONE));
    } finally {
      await Promise.all([east!.close(), west!.close()]);
    }
  });
});

// Two writers that read the same version at once: only PostgreSQL runs them side by side.
const concurrently = databaseKind() === 'postgres' ? test : test.skip;

describe('racing writers', () => {
  concurrently('of two steps that read the same version, one commits and the other gets CONFLICT', async () => {
    const p = await plan('R', 1, 'race');
    // Both transactions read the row, then wait on its lock; released, the second finds the version moved.
    const lock = await holdRowLock(h.database, 'housing.premises', p.id);
    const racing = Promise.allSettled([
      h.store.premises.step(p.id, p.version, () => ({ to: 'PLAN_APPROVED', action: 'RACE' }), officer),
      h.store.premises.step(p.id, p.version, () => ({ to: 'PLAN_APPROVED', action: 'RACE' }), street),
    ]);
    await lock.waitForWaiters(2);
    await lock.release();
    const results = await racing;
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(
      ((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as { extensions: { code: string } }).extensions.code,
    ).toBe('CONFLICT');
    expect((await h.store.premises.auditTrails([p.id])).filter((e) => e.action === 'RACE')).toHaveLength(1);
  });
});
