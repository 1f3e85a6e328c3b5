import type { Viewer } from '../../../lib/kernel/auth';
import type { TestSubgraph } from '../../../test/support/graph';
import { viewer } from '../../../test/support/tokens';
import { withCheckCharacter } from '../../../lib/kernel/credit-code';

/** Callers and helpers the organizations executeOperation tests share. */

export const JINJIANG = '510104000000';
export const JINJIANG_STREET = '510104001000';
export const JINJIANG_COMMUNITY = '510104001001';
export const QINGYANG = '510105000000';

export const jinjiangCivilAffairs = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: JINJIANG, id: 'civil-affairs-jinjiang' });
export const qingyangCivilAffairs = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: QINGYANG, id: 'civil-affairs-qingyang' });
export const chengduAdmin = viewer({ roles: ['CITY_ADMIN'], area: '510100000000', id: 'city-admin' });

export function orgAdmin(org: string): Viewer {
  return { ...viewer({ roles: ['ORG_ADMIN'], area: JINJIANG, id: `admin-${org}` }), org };
}

let serial = 0;
/** A fresh valid credit code of the given two-character prefix, issued in `area` (锦江区 by default). */
export function freshCreditCode(prefix: string, area = JINJIANG): string {
  serial += 1;
  return withCheckCharacter(`${prefix}${area.slice(0, 6)}MJ${String(serial).padStart(7, '0')}`);
}

export function registration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '成都市锦江区春熙社区养老服务中心',
    kind: 'SOCIAL_SERVICE_AGENCY',
    creditCode: freshCreditCode('52', typeof overrides.registrationAreaCode === 'string' ? overrides.registrationAreaCode : JINJIANG),
    registrationAreaCode: JINJIANG,
    registrationDate: '2020-03-01',
    legalRepresentative: '王芳',
    contact: { phone: '+862880000001', email: 'chunxi@example.org.cn', address: '锦江区春熙路1号' },
    categories: ['ELDERLY_CARE', 'HEALTH'],
    serviceAreaCodes: [JINJIANG_COMMUNITY],
    staffCount: 8,
    volunteerCount: 40,
    incubation: { incubator: '锦江区社会组织孵化园', since: '2020-05-01' },
    ...overrides,
  };
}

export const REGISTER = `mutation ($input: RegisterOrganizationInput!) {
  registerOrganization(input: $input) { organization { id name kind creditCode status version serviceAreaCodes categories } }
}`;

export async function register(sub: TestSubgraph, overrides: Record<string, unknown> = {}, caller: Viewer = jinjiangCivilAffairs) {
  const result = await sub.execute(REGISTER, { input: registration(overrides) }, caller);
  if (result.errors) throw new Error(`Registration failed: ${JSON.stringify(result.errors)}`);
  return result.data!.registerOrganization.organization as { id: string; name: string; version: number; creditCode: string | null };
}

export interface RowCounts {
  organizations: number;
  serviceAreas: number;
  statusChanges: number;
  annualReports: number;
  auditEvents: number;
}

/** Every table's row count, to show a refused change left nothing behind. */
export async function rowCounts(sub: TestSubgraph): Promise<RowCounts> {
  const [row] = await sub.database.query<RowCounts>(
    `SELECT (SELECT count(*)::int FROM organizations.organization) AS "organizations",
            (SELECT count(*)::int FROM organizations.service_area) AS "serviceAreas",
            (SELECT count(*)::int FROM organizations.status_change) AS "statusChanges",
            (SELECT count(*)::int FROM organizations.annual_report) AS "annualReports",
            (SELECT count(*)::int FROM organizations.audit_event) AS "auditEvents"`,
  );
  return row!;
}

/** An organisation's version as stored: the one a caller would have read before changing it. */
export async function organizationVersion(sub: TestSubgraph, id: string): Promise<number> {
  const [row] = await sub.database.query<{ version: number }>('SELECT version FROM organizations.organization WHERE id = $1::uuid', [id]);
  return row!.version;
}

export function firstError(result: { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) {
  expect(result.errors).toBeDefined();
  return result.errors![0]!;
}
