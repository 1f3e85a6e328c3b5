import { actorOf } from '../../../lib/kernel/actor';
import { ANONYMOUS, OFFICER_ROLES } from '../../../lib/kernel/auth';
import { viewer } from '../../../test/support/tokens';
import { refusal } from '../../../test/support/refusal';
import { CLEARANCE_ROLES, LEASE_ROLES, READER_ROLES, requireDeveloper, requireOffice, roleIn, seesActors } from '../src/access';
import type { DevelopmentModel } from '../src/models';

/** Who may do what in the housing subgraph, one edge at a time (the end-to-end tests run it through the graph). */

const COMMUNITY = '510104001002';
const DEVELOPER_ORG = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const development: DevelopmentModel = {
  id: 'd0000000-0000-4000-8000-000000000001',
  developerId: DEVELOPER_ORG,
  communityCode: COMMUNITY,
  name: '海棠苑',
  landGrantDate: '2018-03-01',
  plannedHouseholds: 1200,
  acquisition: 'FREE_HANDOVER',
};

describe('role lists', () => {
  test('readers are the officers of the ladder and the housing authority; clearance and leases as documented', () => {
    expect(READER_ROLES).toEqual([...OFFICER_ROLES, 'HOUSING_AUTHORITY']);
    expect(CLEARANCE_ROLES).toEqual(['HOUSING_AUTHORITY', 'DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER', 'CITY_ADMIN']);
    expect(LEASE_ROLES).toEqual(['COMMUNITY_WORKER', 'STREET_OFFICER', 'DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN']);
  });
});

describe('seesActors', () => {
  test('each reader role sees actors of a community its jurisdiction covers', () => {
    for (const role of READER_ROLES) {
      expect(seesActors(viewer({ roles: [role], area: '510104000000' }), COMMUNITY)).toBe(true);
    }
  });

  test('not outside the jurisdiction, not other roles, not anonymous callers', () => {
    expect(seesActors(viewer({ roles: ['HOUSING_AUTHORITY'], area: '510105000000' }), COMMUNITY)).toBe(false);
    expect(seesActors(viewer({ roles: ['DEVELOPER'], area: '510104000000', org: DEVELOPER_ORG }), COMMUNITY)).toBe(false);
    expect(seesActors(viewer({ roles: ['RESIDENT'], area: COMMUNITY }), COMMUNITY)).toBe(false);
    expect(seesActors(ANONYMOUS, COMMUNITY)).toBe(false);
  });
});

describe('actorOf and roleIn', () => {
  test('the actor recorded is the subject, the role acted in, the org (or null), the area and the request', () => {
    const officer = viewer({ roles: ['STREET_OFFICER', 'COMMUNITY_WORKER'], area: '510104001000', id: 'officer-1' });
    expect(actorOf(officer, 'req-1', 'STREET_OFFICER')).toEqual({
      id: 'officer-1',
      roles: ['STREET_OFFICER'],
      org: null,
      area: '510104001000',
      requestId: 'req-1',
    });
    const developer = viewer({ roles: ['DEVELOPER'], area: '510104000000', org: DEVELOPER_ORG, id: 'dev-1' });
    expect(actorOf(developer, 'req-2', 'DEVELOPER')).toEqual({
      id: 'dev-1',
      roles: ['DEVELOPER'],
      org: DEVELOPER_ORG,
      area: '510104000000',
      requestId: 'req-2',
    });
  });

  test('the role acted in is the first of the given roles the viewer holds', () => {
    const both = viewer({ roles: ['STREET_OFFICER', 'DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });
    expect(roleIn(both, ['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER'])).toBe('DISTRICT_CIVIL_AFFAIRS');
    expect(roleIn(both, ['STREET_OFFICER', 'DISTRICT_CIVIL_AFFAIRS'])).toBe('STREET_OFFICER');
    expect(roleIn(both, ['CITY_ADMIN', 'DISTRICT_CIVIL_AFFAIRS'])).toBe('DISTRICT_CIVIL_AFFAIRS');
  });
});

describe('requireOffice', () => {
  const district = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });

  test('the officer holding the role and covering the community passes', () => {
    expect(requireOffice(district, 'DISTRICT_CIVIL_AFFAIRS', COMMUNITY, 'Signing the plan')).toBe(district);
    const street = viewer({ roles: ['STREET_OFFICER'], area: '510104001000' });
    expect(requireOffice(street, 'STREET_OFFICER', COMMUNITY, 'Signing the plan')).toBe(street);
  });

  test('anonymous callers: UNAUTHENTICATED', () => {
    expect(refusal(() => requireOffice(ANONYMOUS, 'STREET_OFFICER', COMMUNITY, 'Signing the plan'))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Signing the plan needs a signed-in officer.',
    });
  });

  test('callers who are neither signer: FORBIDDEN', () => {
    for (const roles of [['CITY_ADMIN'], ['HOUSING_AUTHORITY'], ['DEVELOPER']] as const) {
      expect(
        refusal(() => requireOffice(viewer({ roles: [...roles], area: '510104000000' }), 'STREET_OFFICER', COMMUNITY, 'Inspecting')),
      ).toEqual({
        code: 'FORBIDDEN',
        message: 'Inspecting is for DISTRICT_CIVIL_AFFAIRS or STREET_OFFICER.',
      });
    }
  });

  test('a signer asking for the office it does not hold: BAD_USER_INPUT on input.role', () => {
    expect(refusal(() => requireOffice(district, 'STREET_OFFICER', COMMUNITY, 'Inspecting'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.role',
      message: 'You do not hold the role STREET_OFFICER.',
    });
    const street = viewer({ roles: ['STREET_OFFICER'], area: '510104001000' });
    expect(refusal(() => requireOffice(street, 'DISTRICT_CIVIL_AFFAIRS', COMMUNITY, 'Inspecting'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.role',
    });
  });

  test('the right office outside its jurisdiction: FORBIDDEN', () => {
    const other = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510105000000' });
    expect(refusal(() => requireOffice(other, 'DISTRICT_CIVIL_AFFAIRS', COMMUNITY, 'Inspecting'))).toEqual({
      code: 'FORBIDDEN',
      message: `Inspecting: ${COMMUNITY} is outside your jurisdiction 510105000000.`,
    });
  });
});

describe('requireDeveloper', () => {
  test("the development's own developer passes", () => {
    const own = viewer({ roles: ['DEVELOPER'], area: '510104000000', org: DEVELOPER_ORG });
    expect(requireDeveloper(own, development, 'Starting construction')).toBe(own);
  });

  test('anonymous callers: UNAUTHENTICATED', () => {
    expect(refusal(() => requireDeveloper(ANONYMOUS, development, 'Starting construction'))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Starting construction needs the developer to sign in.',
    });
  });

  test('another developer, a developer without an org, or another role with the org: FORBIDDEN', () => {
    const message = `Starting construction is for development ${development.id}'s developer (DEVELOPER with org ${DEVELOPER_ORG}).`;
    for (const caller of [
      viewer({ roles: ['DEVELOPER'], area: '510104000000', org: 'ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }),
      viewer({ roles: ['DEVELOPER'], area: '510104000000' }),
      viewer({ roles: ['ORG_ADMIN'], area: '510104000000', org: DEVELOPER_ORG }),
    ]) {
      expect(refusal(() => requireDeveloper(caller, development, 'Starting construction'))).toEqual({ code: 'FORBIDDEN', message });
    }
  });
});
