import { significantPrefix } from '../../../lib/kernel/auth';
import { demoCity } from '../../../seed/demo-city';
import { demoCreditRecords, demoOrganizations } from '../../../seed/demo-organizations';
import { validateCreditCode } from '../../../lib/kernel/credit-code';
import { CREDIT_CODE_PREFIX_BY_KIND } from '../src/credit-code';

/** The demo registry is realistic and self-consistent, and the same on every run. */

const organizations = demoOrganizations();
const { areas } = demoCity();
const codes = new Set(areas.map((area) => area.code));
const districts = areas.filter((area) => area.level === 'DISTRICT');

test('at least 200 organisations, the same on every call, with unique ids, names and credit codes', () => {
  expect(organizations.length).toBeGreaterThanOrEqual(200);
  expect(demoOrganizations()).toEqual(organizations);
  for (const values of [
    organizations.map((o) => o.id),
    organizations.map((o) => o.name),
    organizations.flatMap((o) => o.creditCode ?? []),
  ]) {
    expect(new Set(values).size).toBe(values.length);
  }
});

test('credit codes pass the check, match the kind and carry the district’s region code; filed organisations have none', () => {
  for (const organization of organizations) {
    const prefix = CREDIT_CODE_PREFIX_BY_KIND[organization.kind];
    if (prefix === null) {
      expect(organization.creditCode).toBeNull();
      continue;
    }
    const code = organization.creditCode!;
    expect({ code, check: validateCreditCode(code) }).toEqual({ code, check: { ok: true } });
    expect(code.slice(0, 2)).toBe(prefix);
    expect(code.slice(2, 8)).toBe(organization.registrationArea.slice(0, 6));
  }
});

test('every district has its civil-affairs bureau, street offices, developers, units and social organisations', () => {
  for (const district of districts) {
    const inDistrict = organizations.filter((o) => o.registrationArea.startsWith(significantPrefix(district.code)));
    const roles = new Set(inDistrict.map((o) => o.role));
    expect({ district: district.name, roles: [...roles].sort() }).toEqual({
      district: district.name,
      roles: ['CIVIL_AFFAIRS_BUREAU', 'DEVELOPER', 'SOCIAL_ORGANIZATION', 'STREET_OFFICE', 'UNIT'],
    });
    expect(inDistrict.find((o) => o.role === 'CIVIL_AFFAIRS_BUREAU')?.name).toMatch(/民政局$/);
    expect(inDistrict.filter((o) => o.role === 'DEVELOPER').every((o) => o.kind === 'ENTERPRISE')).toBe(true);
  }
});

test('service areas and registration areas are demo-city codes; grades, reports and incubation are consistent', () => {
  for (const organization of organizations) {
    expect(codes.has(organization.registrationArea)).toBe(true);
    for (const area of organization.serviceAreaCodes) expect(codes.has(area)).toBe(true);
    if (organization.grade !== null) {
      expect(organization.grade).toBeGreaterThanOrEqual(1);
      expect(organization.grade).toBeLessThanOrEqual(5);
      expect(organization.gradeValidUntil! > organization.gradeAwardedOn!).toBe(true);
    }
    expect(organization.incubator === null).toBe(organization.incubatedSince === null);
    for (const report of organization.annualReports) {
      expect(Number(report.governmentPurchaseIncome)).toBeLessThanOrEqual(Number(report.totalIncome));
      expect(report.year).toBeGreaterThanOrEqual(Number(organization.registrationDate.slice(0, 4)));
    }
  }
  const graded = organizations.filter((o) => o.grade !== null);
  expect(graded.length).toBeGreaterThan(30);
  expect(organizations.filter((o) => o.annualReports.length > 0).length).toBeGreaterThan(30);
  expect(new Set(organizations.map((o) => o.status))).toEqual(new Set(['ACTIVE', 'ABNORMAL', 'REVOKED', 'DEREGISTERED']));
});

test('the demo credit records: every abnormal body on the abnormal-activity list, one listed and removed and one penalised per district, all consistent', () => {
  const { listEntries, penalties, inspections } = demoCreditRecords(organizations);
  const byId = new Map(organizations.map((o) => [o.id, o]));
  const open = new Set(listEntries.filter((e) => e.removedOn === null).map((e) => e.organizationId));
  for (const o of organizations.filter((o) => o.status === 'ABNORMAL' && o.kind !== 'COMMUNITY_FILED')) expect(open.has(o.id)).toBe(true);
  for (const e of listEntries) {
    expect(byId.has(e.organizationId)).toBe(true);
    expect(e.listedOn >= byId.get(e.organizationId)!.registrationDate).toBe(true);
    if (e.removedOn) expect(e.removedOn >= e.listedOn).toBe(true);
    // Only the bodies whose status says so are on a list today.
    if (e.removedOn === null) expect(byId.get(e.organizationId)!.status).toBe('ABNORMAL');
  }
  const removed = listEntries.filter((e) => e.removedOn !== null);
  expect(removed.length).toBeGreaterThan(0);
  expect(penalties.length).toBe(removed.length);
  for (const p of penalties) expect(byId.get(p.organizationId)!.status).toBe('ACTIVE');
  const keys = penalties.map((p) => `${p.authority}/${p.documentNumber}`);
  expect(new Set(keys).size).toBe(keys.length);
  for (const i of inspections) expect(Number(i.concludedOn.slice(0, 4))).toBeGreaterThan(i.year);
  expect(demoCreditRecords(organizations)).toEqual({ listEntries, penalties, inspections });
});
