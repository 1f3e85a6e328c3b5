import { viewer } from '../../../test/support/tokens';
import { refusal } from '../../../test/support/refusal';
import { ACCEPTED_STATES, buyback, handover, MISSING_STEP, SIGNERS } from '../src/workflow';

/** The handover and buyback tables: each step, who may take it and what it needs. */

const DEVELOPER_ORG = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('the handover workflow', () => {
  const district = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });
  const street = viewer({ roles: ['STREET_OFFICER'], area: '510104001000' });
  const developer = viewer({ roles: ['DEVELOPER'], area: '510104000000', org: DEVELOPER_ORG });

  test('its table: plan, notice, construction, inspection, rectification, handover, use', () => {
    expect(SIGNERS).toEqual(['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER']);
    expect(handover.name).toBe('Premises handover');
    expect(handover.transitions.map((t) => [t.from, t.to, t.roles])).toEqual([
      ['PLANNED', 'PLAN_APPROVED', SIGNERS],
      ['PLAN_APPROVED', 'PUBLICLY_NOTICED', SIGNERS],
      ['PUBLICLY_NOTICED', 'UNDER_CONSTRUCTION', ['DEVELOPER']],
      ['UNDER_CONSTRUCTION', 'INSPECTION_REQUESTED', ['DEVELOPER']],
      ['INSPECTION_REQUESTED', 'ACCEPTED', SIGNERS],
      ['INSPECTION_REQUESTED', 'REJECTED', SIGNERS],
      ['REJECTED', 'RECTIFIED', ['DEVELOPER']],
      ['RECTIFIED', 'ACCEPTED', SIGNERS],
      ['RECTIFIED', 'REJECTED', SIGNERS],
      ['ACCEPTED', 'HANDED_OVER', ['DISTRICT_CIVIL_AFFAIRS']],
      ['HANDED_OVER', 'IN_USE', SIGNERS],
    ]);
    expect(handover.next('IN_USE')).toEqual([]);
  });

  test('signers take the signing steps; the developer may not', () => {
    expect(handover.check(street, 'PLANNED', 'PLAN_APPROVED', {}).to).toBe('PLAN_APPROVED');
    expect(handover.check(district, 'INSPECTION_REQUESTED', 'REJECTED', {}).to).toBe('REJECTED');
    expect(refusal(() => handover.check(developer, 'INSPECTION_REQUESTED', 'ACCEPTED', {}))).toEqual({
      code: 'FORBIDDEN',
      message: 'Premises handover: INSPECTION_REQUESTED → ACCEPTED is for DISTRICT_CIVIL_AFFAIRS, STREET_OFFICER.',
    });
    expect(refusal(() => handover.check(street, 'PUBLICLY_NOTICED', 'UNDER_CONSTRUCTION', {}))).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('a rectification needs a description of what was put right', () => {
    for (const description of [undefined, null, '  ']) {
      expect(refusal(() => handover.check(developer, 'REJECTED', 'RECTIFIED', { description }))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'input.description',
        message: 'A description of what was put right is required for this step.',
      });
    }
    expect(handover.check(developer, 'REJECTED', 'RECTIFIED', { description: '隔墙已拆除' }).to).toBe('RECTIFIED');
  });

  test('the handover is for civil affairs only and needs the title certificate number', () => {
    expect(
      refusal(() => handover.check(street, 'ACCEPTED', 'HANDED_OVER', { titleCertificateNumber: '川(2026)成都市不动产权第0001号' })),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(refusal(() => handover.check(district, 'ACCEPTED', 'HANDED_OVER', { titleCertificateNumber: ' ' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.titleCertificateNumber',
      message: 'The title certificate number is required for this step.',
    });
    expect(handover.check(district, 'ACCEPTED', 'HANDED_OVER', { titleCertificateNumber: '川(2026)成都市不动产权第0001号' }).to).toBe(
      'HANDED_OVER',
    );
  });

  test('a step not in the table is an INVALID_TRANSITION', () => {
    expect(refusal(() => handover.check(district, 'PLANNED', 'ACCEPTED', {}))).toMatchObject({
      code: 'INVALID_TRANSITION',
      from: 'PLANNED',
      to: 'ACCEPTED',
    });
  });

  test('accepted states and the step each earlier state lacks', () => {
    expect(ACCEPTED_STATES).toEqual(['ACCEPTED', 'HANDED_OVER', 'IN_USE']);
    expect(MISSING_STEP).toEqual({
      PLANNED: 'PLAN_APPROVED',
      PLAN_APPROVED: 'PUBLICLY_NOTICED',
      PUBLICLY_NOTICED: 'UNDER_CONSTRUCTION',
      UNDER_CONSTRUCTION: 'INSPECTION_REQUESTED',
      INSPECTION_REQUESTED: 'ACCEPTED',
      REJECTED: 'RECTIFIED',
      RECTIFIED: 'ACCEPTED',
    });
  });
});

describe('the buyback workflow', () => {
  const district = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });
  const city = viewer({ roles: ['CITY_ADMIN'], area: '510100000000' });

  test('its table: valued by civil affairs, approved and paid by the city', () => {
    expect(buyback.name).toBe('Buyback');
    expect(buyback.transitions.map((t) => [t.from, t.to, t.roles])).toEqual([
      ['NOT_VALUED', 'VALUED', ['DISTRICT_CIVIL_AFFAIRS']],
      ['VALUED', 'APPROVED', ['CITY_ADMIN']],
      ['APPROVED', 'PAID', ['CITY_ADMIN']],
    ]);
    expect(buyback.check(district, 'NOT_VALUED', 'VALUED', {}).to).toBe('VALUED');
    expect(refusal(() => buyback.check(district, 'VALUED', 'APPROVED', {}))).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('a payment needs its reference', () => {
    expect(refusal(() => buyback.check(city, 'APPROVED', 'PAID', {}))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.paymentReference',
      message: 'The payment reference is required for this step.',
    });
    expect(buyback.check(city, 'APPROVED', 'PAID', { paymentReference: 'PAY-2026-0001' }).to).toBe('PAID');
  });
});
