import { ANONYMOUS } from '../../../lib/kernel/auth';
import { viewer } from '../../../test/support/tokens';
import { isAuthority, isOwnAdmin, requireAuthority, requireOwnAdmin, requirePrivateReader } from '../src/access';
import type { OrganizationModel } from '../src/models';
import {
  changesRegisteredParticulars,
  gradeName,
  validateGrade,
  validateNewOrganization,
  validateProfileChanges,
  validateReason,
  validateReport,
} from '../src/rules';
import { withCheckCharacter } from '../../../lib/kernel/credit-code';
import { refusal } from '../../../test/support/refusal';

/** The registry's rules and who may do what, one edge at a time (the subgraph tests run them through GraphQL). */

const TODAY = '2026-06-15';
const ID = '11111111-2222-4333-8444-555555555555';
const organization = (overrides: Partial<OrganizationModel> = {}): OrganizationModel => ({
  id: ID,
  name: '锦江区春熙社区养老服务中心',
  kind: 'SOCIAL_SERVICE_AGENCY',
  creditCode: null,
  registrationArea: '510104000000',
  registrationDate: '2019-06-01',
  status: 'ACTIVE',
  legalRepresentative: null,
  contactPhone: null,
  contactEmail: null,
  contactAddress: null,
  categories: [],
  grade: null,
  gradeAwardedOn: null,
  gradeValidUntil: null,
  staffCount: 0,
  volunteerCount: 0,
  incubator: null,
  incubatedSince: null,
  version: 1,
  updatedAt: new Date(0),
  ...overrides,
});

describe('access', () => {
  const jinjiang = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });
  const qingyang = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510105000000' });
  const street = viewer({ roles: ['STREET_OFFICER'], area: '510104001000' });
  const admin = { ...viewer({ roles: ['ORG_ADMIN'], area: '510104000000' }), org: ID };
  const otherAdmin = { ...admin, org: '99999999-2222-4333-8444-555555555555' };
  const developer = { ...viewer({ roles: ['DEVELOPER'], area: '510104000000' }), org: ID };
  const org = organization();

  test('the authority is civil affairs or the city, covering the registration area', () => {
    expect(isAuthority(jinjiang, org)).toBe(true);
    expect(isAuthority(viewer({ roles: ['CITY_ADMIN'], area: '510100000000' }), org)).toBe(true);
    expect(isAuthority(qingyang, org)).toBe(false);
    expect(isAuthority(viewer({ roles: ['STREET_OFFICER'], area: '510104000000' }), org)).toBe(false);
    expect(requireAuthority(jinjiang, org, 'Revoking')).toBe(jinjiang);
    expect(refusal(() => requireAuthority(qingyang, org, 'Revoking'))).toMatchObject({ code: 'FORBIDDEN' });
  });

  test("the organisation's own admin is an ORG_ADMIN with its org", () => {
    expect(isOwnAdmin(admin, org)).toBe(true);
    expect(isOwnAdmin(otherAdmin, org)).toBe(false);
    expect(isOwnAdmin(developer, org)).toBe(false);
    expect(isOwnAdmin(ANONYMOUS, org)).toBe(false);
    expect(requireOwnAdmin(admin, org, 'Filing')).toBe(admin);
    expect(refusal(() => requireOwnAdmin(ANONYMOUS, org, 'Filing'))).toEqual({
      code: 'UNAUTHENTICATED',
      message: "Filing needs the organisation's admin to sign in.",
    });
    expect(refusal(() => requireOwnAdmin(otherAdmin, org, 'Filing'))).toEqual({
      code: 'FORBIDDEN',
      message: `Filing is for organisation ${ID}'s own admin (ORG_ADMIN with its org).`,
    });
  });

  test('private data is for the own admin and officers covering the registration area', () => {
    expect(() => requirePrivateReader(admin, org, 'contact details')).not.toThrow();
    expect(() => requirePrivateReader(jinjiang, org, 'contact details')).not.toThrow();
    expect(() => requirePrivateReader(street, organization({ registrationArea: '510104001000' }), 'contact details')).not.toThrow();
    expect(refusal(() => requirePrivateReader(ANONYMOUS, org, 'contact details'))).toEqual({
      code: 'UNAUTHENTICATED',
      message: "Sign in to see an organisation's contact details.",
    });
    expect(refusal(() => requirePrivateReader(street, org, 'annual reports'))).toEqual({
      code: 'FORBIDDEN',
      message: `Organisation ${ID}'s annual reports are for its own admins and officers whose jurisdiction covers 510104000000.`,
    });
    expect(refusal(() => requirePrivateReader(otherAdmin, org, 'annual reports')).code).toBe('FORBIDDEN');
    expect(refusal(() => requirePrivateReader(viewer({ roles: ['RESIDENT'], area: '510104000000' }), org, 'annual reports')).code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('registration and profile rules', () => {
  const code = withCheckCharacter('52510104MJ9000001');
  const input = {
    name: ' 春熙中心 ',
    kind: 'SOCIAL_SERVICE_AGENCY' as const,
    creditCode: code,
    registrationAreaCode: '510104000000',
    registrationDate: TODAY,
  };

  test('a minimal registration fills the defaults', () => {
    expect(validateNewOrganization(input, TODAY)).toEqual({
      name: '春熙中心',
      kind: 'SOCIAL_SERVICE_AGENCY',
      creditCode: code,
      registrationArea: '510104000000',
      registrationDate: TODAY,
      legalRepresentative: null,
      contactPhone: null,
      contactEmail: null,
      contactAddress: null,
      categories: [],
      serviceAreaCodes: [],
      staffCount: 0,
      volunteerCount: 0,
      incubator: null,
      incubatedSince: null,
    });
  });

  test('a full registration: contact, sorted distinct areas, distinct categories, incubation', () => {
    const full = validateNewOrganization(
      {
        ...input,
        legalRepresentative: ' 王芳 ',
        contact: { phone: '+862880000001', email: null, address: ' 春熙路1号 ' },
        categories: ['HEALTH', 'ELDERLY_CARE', 'HEALTH'],
        serviceAreaCodes: ['510104001002', '510104001001', '510104001002'],
        staffCount: 3,
        volunteerCount: 0,
        incubation: { incubator: ' 孵化园 ', since: TODAY },
      },
      TODAY,
    );
    expect(full).toMatchObject({
      legalRepresentative: '王芳',
      contactPhone: '+862880000001',
      contactEmail: null,
      contactAddress: '春熙路1号',
      categories: ['HEALTH', 'ELDERLY_CARE'],
      serviceAreaCodes: ['510104001001', '510104001002'],
      staffCount: 3,
      incubator: '孵化园',
      incubatedSince: TODAY,
    });
  });

  test.each([
    ['a blank name', { name: ' ' }, 'input.name', 'The name must not be empty.', 'REQUIRED_TEXT'],
    ['a 101-character name', { name: '名'.repeat(101) }, 'input.name', 'The name must be at most 100 characters.', 'TEXT_TOO_LONG'],
    [
      'a registration date after today',
      { registrationDate: '2026-06-16' },
      'input.registrationDate',
      '2026-06-16 is in the future (today is 2026-06-15).',
      'DATE_NOT_IN_FUTURE',
    ],
    [
      'a 51-character legal representative',
      { legalRepresentative: '名'.repeat(51) },
      'input.legalRepresentative',
      'The legal representative must be at most 50 characters.',
      'TEXT_TOO_LONG',
    ],
    [
      'a 201-character address',
      { contact: { address: '址'.repeat(201) } },
      'input.contact.address',
      'The address must be at most 200 characters.',
      'TEXT_TOO_LONG',
    ],
    [
      '51 service areas',
      { serviceAreaCodes: Array.from({ length: 51 }, (_, i) => `510104001${String(i + 1).padStart(3, '0')}`) },
      'input.serviceAreaCodes',
      'At most 50 service areas.',
      undefined,
    ],
    ['a negative staff count', { staffCount: -1 }, 'input.staffCount', 'Counts must be whole numbers, zero or more.', undefined],
    [
      'a fractional volunteer count',
      { volunteerCount: 0.5 },
      'input.volunteerCount',
      'Counts must be whole numbers, zero or more.',
      undefined,
    ],
    [
      'a blank incubator',
      { incubation: { incubator: ' ', since: TODAY } },
      'input.incubation.incubator',
      'The incubator must not be empty.',
      'REQUIRED_TEXT',
    ],
    [
      'incubation from the future',
      { incubation: { incubator: '园', since: '2027-01-01' } },
      'input.incubation.since',
      '2027-01-01 is in the future (today is 2026-06-15).',
      'DATE_NOT_IN_FUTURE',
    ],
  ])('registration refuses %s', (_, override, field, message, rule) => {
    expect(refusal(() => validateNewOrganization({ ...input, ...override }, TODAY))).toEqual({
      code: 'BAD_USER_INPUT',
      field,
      message,
      rule,
    });
  });

  test('the boundaries are accepted: 50 areas, 100-character name, 50-character representative', () => {
    const edge = validateNewOrganization(
      {
        ...input,
        name: '名'.repeat(100),
        legalRepresentative: '名'.repeat(50),
        serviceAreaCodes: Array.from({ length: 50 }, (_, i) => `510104001${String(i + 1).padStart(3, '0')}`),
      },
      TODAY,
    );
    expect(edge.serviceAreaCodes).toHaveLength(50);
  });

  test('profile changes keep only what is given; incubation null clears it; contact null clears all three', () => {
    expect(validateProfileChanges({ id: ID, staffCount: 4 }, TODAY)).toEqual({ staffCount: 4 });
    expect(validateProfileChanges({ id: ID, name: ' 新名 ', incubation: null }, TODAY)).toEqual({
      name: '新名',
      incubator: null,
      incubatedSince: null,
    });
    expect(validateProfileChanges({ id: ID, contact: null }, TODAY)).toEqual({
      contactPhone: null,
      contactEmail: null,
      contactAddress: null,
    });
    expect(
      validateProfileChanges({ id: ID, categories: ['HEALTH'], serviceAreaCodes: ['510104001001'], volunteerCount: 2 }, TODAY),
    ).toEqual({
      categories: ['HEALTH'],
      serviceAreaCodes: ['510104001001'],
      volunteerCount: 2,
    });
    expect(refusal(() => validateProfileChanges({ id: ID }, TODAY))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input',
      message: 'Give at least one field to change.',
    });
    expect(refusal(() => validateProfileChanges({ id: ID, name: null, staffCount: null }, TODAY)).field).toBe('input');
  });

  test.each([
    ['a blank name', { name: '  ' }, 'input.name', 'The name must not be empty.', 'REQUIRED_TEXT'],
    [
      'an over-long legal representative',
      { legalRepresentative: '李'.repeat(51) },
      'input.legalRepresentative',
      'The legal representative must be at most 50 characters.',
      'TEXT_TOO_LONG',
    ],
    [
      'an over-long contact address',
      { contact: { address: '址'.repeat(201) } },
      'input.contact.address',
      'The address must be at most 200 characters.',
      'TEXT_TOO_LONG',
    ],
    ['a negative staff count', { staffCount: -1 }, 'input.staffCount', 'Counts must be whole numbers, zero or more.', undefined],
    [
      'a negative volunteer count',
      { volunteerCount: -1 },
      'input.volunteerCount',
      'Counts must be whole numbers, zero or more.',
      undefined,
    ],
  ])('a profile update refuses %s, naming the field', (_, changes, field, message, rule) => {
    expect(refusal(() => validateProfileChanges({ id: ID, ...changes }, TODAY))).toEqual({ code: 'BAD_USER_INPUT', field, message, rule });
  });

  test('profile text: a null legal representative clears it, a blank one clears it too, any other is trimmed; null lists change nothing', () => {
    expect(validateProfileChanges({ id: ID, legalRepresentative: null }, TODAY)).toEqual({ legalRepresentative: null });
    expect(validateProfileChanges({ id: ID, legalRepresentative: '   ' }, TODAY)).toEqual({ legalRepresentative: null });
    expect(validateProfileChanges({ id: ID, legalRepresentative: ' 李雷 ' }, TODAY)).toEqual({ legalRepresentative: '李雷' });
    expect(validateProfileChanges({ id: ID, categories: null, serviceAreaCodes: null, staffCount: 1 }, TODAY)).toEqual({ staffCount: 1 });
    expect(validateProfileChanges({ id: ID, contact: { phone: '+862880000002' } }, TODAY)).toEqual({
      contactPhone: '+862880000002',
      contactEmail: null,
      contactAddress: null,
    });
  });

  test('registered particulars are the name and the legal representative', () => {
    expect(changesRegisteredParticulars({ name: 'x' })).toBe(true);
    expect(changesRegisteredParticulars({ legalRepresentative: null })).toBe(true);
    expect(changesRegisteredParticulars({ staffCount: 1, contactPhone: null })).toBe(false);
  });

  test('a reason is required, trimmed, at most 500 characters', () => {
    expect(validateReason(' 年检 ')).toBe('年检');
    expect(validateReason('理'.repeat(500))).toHaveLength(500);
    expect(refusal(() => validateReason('理'.repeat(501)))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.reason',
      rule: 'TEXT_TOO_LONG',
      message: 'The reason must be at most 500 characters.',
    });
    expect(refusal(() => validateReason(''))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.reason',
      rule: 'REQUIRED_TEXT',
      message: 'The reason must not be empty.',
    });
  });
});

describe('grades', () => {
  const grade = (awardedOn: string, validUntil: string, g = 'GRADE_4A') => ({
    organizationId: ID,
    grade: g as 'GRADE_4A',
    awardedOn,
    validUntil,
  });

  test('a grade of a social organisation, valid for up to five years, awarded today at the latest', () => {
    expect(gradeName(3)).toBe('GRADE_3A');
    expect(validateGrade(grade(TODAY, '2031-06-15'), organization(), TODAY)).toEqual({
      grade: 4,
      awardedOn: TODAY,
      validUntil: '2031-06-15',
    });
    expect(validateGrade(grade('2024-01-01', '2024-01-02', 'GRADE_1A'), organization({ kind: 'FOUNDATION' }), TODAY).grade).toBe(1);
    expect(validateGrade(grade('2024-01-01', '2025-01-01', 'GRADE_5A'), organization({ kind: 'SOCIAL_ASSOCIATION' }), TODAY).grade).toBe(5);
  });

  test.each([
    [
      'an enterprise',
      organization({ kind: 'ENTERPRISE' }),
      grade('2024-01-01', '2025-01-01'),
      'input.organizationId',
      'Only social associations, social service agencies and foundations are graded; this is a ENTERPRISE.',
      undefined,
    ],
    [
      'an award after today',
      organization(),
      grade('2026-06-16', '2027-01-01'),
      'input.awardedOn',
      '2026-06-16 is in the future (today is 2026-06-15).',
      'DATE_NOT_IN_FUTURE',
    ],
    [
      'validity ending the day it starts',
      organization(),
      grade('2024-01-01', '2024-01-01'),
      'input.validUntil',
      'The grade must be valid until after the day it was awarded.',
      undefined,
    ],
    [
      'validity over five years',
      organization(),
      grade('2024-01-01', '2029-01-02'),
      'input.validUntil',
      'A grade is valid for at most 5 years: until 2029-01-01 at the latest.',
      undefined,
    ],
    // Years stay four digits, so the comparison of dates as text holds for any year.
    [
      'validity over five years, in a three-digit year',
      organization(),
      grade('0100-01-01', '0105-01-02'),
      'input.validUntil',
      'A grade is valid for at most 5 years: until 0105-01-01 at the latest.',
      undefined,
    ],
  ])('refuses %s', (_, org, input, field, message, rule) => {
    expect(refusal(() => validateGrade(input, org, TODAY))).toEqual({ code: 'BAD_USER_INPUT', field, message, rule });
  });
});

describe('annual reports', () => {
  const report = (year: number, totalIncome = '100.00', governmentPurchaseIncome = '100.00', expenditure = '0') => ({
    organizationId: ID,
    year,
    totalIncome,
    governmentPurchaseIncome,
    expenditure,
  });

  test('from the registration year to this year; government income at most the total', () => {
    expect(validateReport(report(2019), organization(), TODAY)).toEqual({
      year: 2019,
      figures: { totalIncome: '100.00', governmentPurchaseIncome: '100.00', expenditure: '0' },
    });
    expect(validateReport(report(2026), organization(), TODAY).year).toBe(2026);
  });

  test.each([
    ['a year before registration', report(2018), 'input.year', 'The report year must be from the registration year 2019 to 2026.'],
    ['a year after this one', report(2027), 'input.year', 'The report year must be from the registration year 2019 to 2026.'],
    ['a fractional year', report(2020.5), 'input.year', 'The report year must be from the registration year 2019 to 2026.'],
    [
      'government income over the total',
      report(2020, '100.00', '100.01'),
      'input.governmentPurchaseIncome',
      'Income from government-purchased services is part of the total income and cannot exceed it.',
    ],
    ['a malformed expenditure', report(2020, '1', '1', '1,0'), 'input.expenditure', expect.stringMatching(/decimal yuan/)],
    ['a malformed total', report(2020, 'x'), 'input.totalIncome', expect.stringMatching(/decimal yuan/)],
    ['a malformed government income', report(2020, '1', 'x'), 'input.governmentPurchaseIncome', expect.stringMatching(/decimal yuan/)],
  ])('refuses %s', (_, input, field, message) => {
    expect(refusal(() => validateReport(input, organization(), TODAY))).toEqual({ code: 'BAD_USER_INPUT', field, message });
  });
});
