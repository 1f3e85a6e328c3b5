import { ANONYMOUS } from '../../../lib/kernel/auth';
import { viewer } from '../../../test/support/tokens';
import { refusal } from '../../../test/support/refusal';
import {
  actsFor,
  isReader,
  PURCHASER_ROLES,
  READER_ROLES,
  requireActsFor,
  requirePurchaser,
  requireReader,
  requireReaderOrOwn,
} from '../src/access';

/** Who may do what in procurement, one edge at a time (the end-to-end tests run it through the graph). */

const AREA = '510104000000';
const ORG = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const OTHER_ORG = 'ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const officer = viewer({ roles: ['PROCUREMENT_OFFICER'], area: AREA });
const elsewhere = viewer({ roles: ['PROCUREMENT_OFFICER'], area: '510105000000' });
const district = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: AREA });
const city = viewer({ roles: ['CITY_ADMIN'], area: '510100000000' });
const street = viewer({ roles: ['STREET_OFFICER'], area: '510104001000' });
const orgAdmin = viewer({ roles: ['ORG_ADMIN'], area: AREA, org: ORG });
const evaluator = viewer({ roles: ['EVALUATOR'], area: AREA, org: ORG });

describe('role lists', () => {
  test('purchasers and readers', () => {
    expect(PURCHASER_ROLES).toEqual(['PROCUREMENT_OFFICER', 'CITY_ADMIN']);
    expect(READER_ROLES).toEqual(['PROCUREMENT_OFFICER', 'DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN']);
  });
});

describe('readers and purchasers', () => {
  test('readers: procurement officers, civil affairs and the city, covering the area', () => {
    for (const reader of [officer, district, city]) expect(isReader(reader, '510104001002')).toBe(true);
    for (const other of [elsewhere, street, orgAdmin, ANONYMOUS]) expect(isReader(other, '510104001002')).toBe(false);
    expect(requireReader(district, AREA, 'Tenders')).toBe(district);
    expect(refusal(() => requireReader(street, AREA, 'Tenders'))).toEqual({
      code: 'FORBIDDEN',
      message: 'Tenders needs one of the roles PROCUREMENT_OFFICER, DISTRICT_CIVIL_AFFAIRS, CITY_ADMIN.',
    });
    expect(refusal(() => requireReader(elsewhere, AREA, 'Tenders'))).toEqual({
      code: 'FORBIDDEN',
      message: `Tenders: ${AREA} is outside your jurisdiction 510105000000.`,
    });
    expect(refusal(() => requireReader(ANONYMOUS, AREA, 'Tenders'))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  test('purchasers: procurement officers and the city, not civil affairs', () => {
    expect(requirePurchaser(officer, AREA, 'Publishing a tender')).toBe(officer);
    expect(requirePurchaser(city, AREA, 'Publishing a tender')).toBe(city);
    expect(refusal(() => requirePurchaser(district, AREA, 'Publishing a tender'))).toEqual({
      code: 'FORBIDDEN',
      message: 'Publishing a tender needs one of the roles PROCUREMENT_OFFICER, CITY_ADMIN.',
    });
    expect(refusal(() => requirePurchaser(elsewhere, AREA, 'Publishing a tender'))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('organisations', () => {
  test('acting for an organisation: the role (ORG_ADMIN by default) and its org claim', () => {
    expect(actsFor(orgAdmin, ORG)).toBe(true);
    expect(actsFor(orgAdmin, OTHER_ORG)).toBe(false);
    expect(actsFor(evaluator, ORG)).toBe(false);
    expect(actsFor(evaluator, ORG, 'EVALUATOR')).toBe(true);
    expect(actsFor(ANONYMOUS, ORG)).toBe(false);
  });

  test('requireActsFor: signed in, with the role and an org claim', () => {
    expect(requireActsFor(orgAdmin, 'ORG_ADMIN', 'Bidding')).toBe(orgAdmin);
    expect(refusal(() => requireActsFor(ANONYMOUS, 'ORG_ADMIN', 'Bidding'))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Bidding needs a signed-in ORG_ADMIN.',
    });
    const forbidden = { code: 'FORBIDDEN', message: "Bidding is for an organisation's ORG_ADMIN (a token with its org claim)." };
    expect(refusal(() => requireActsFor(evaluator, 'ORG_ADMIN', 'Bidding'))).toEqual(forbidden);
    expect(refusal(() => requireActsFor(viewer({ roles: ['ORG_ADMIN'], area: AREA }), 'ORG_ADMIN', 'Bidding'))).toEqual(forbidden);
  });

  test('requireReaderOrOwn: a reader of the area or the organisation itself', () => {
    expect(() => requireReaderOrOwn(district, '510104001002', ORG, 'A bid')).not.toThrow();
    expect(() => requireReaderOrOwn(orgAdmin, '510105001002', ORG, 'A bid')).not.toThrow();
    expect(refusal(() => requireReaderOrOwn(ANONYMOUS, AREA, ORG, 'A bid'))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Sign in to see A bid.',
    });
    for (const other of [elsewhere, viewer({ roles: ['ORG_ADMIN'], area: AREA, org: OTHER_ORG }), evaluator]) {
      expect(refusal(() => requireReaderOrOwn(other, AREA, ORG, 'A bid'))).toEqual({
        code: 'FORBIDDEN',
        message: `A bid is for officers whose jurisdiction covers ${AREA} and the organisation's own admin.`,
      });
    }
  });
});
