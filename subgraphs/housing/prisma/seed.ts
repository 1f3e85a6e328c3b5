import { createHash } from 'node:crypto';
import { addDays, todayIn } from '../../../lib/kernel/dates';
import type { Session } from '../../../lib/runtime/db';
import { buybackAmount } from '../src/rules';
import { demoCity, type DemoCommunity } from '../../../seed/demo-city';
import { between, pick, seededRandom } from '../../../seed/random';

/**
 * The demo city's housing data: in every demo district, a development for every state of the
 * premises handover and of the buyback — among them a basement rejected at inspection, a plan
 * with one sign-off only and a buyback stuck because no COMMERCIAL MAIN_URBAN price is
 * published — plus reference prices and communities that rent their premises, some leases
 * ending soon. Developers are the registry's demo developers, looked up in the organizations
 * schema (seeded before this). Ids are name-based, so seeding again changes nothing; lease
 * terms are relative to the day of seeding, so "expiring soon" holds on a fresh demo.
 */

type State =
  | 'PLANNED'
  | 'PLAN_APPROVED'
  | 'PUBLICLY_NOTICED'
  | 'UNDER_CONSTRUCTION'
  | 'INSPECTION_REQUESTED'
  | 'ACCEPTED'
  | 'REJECTED'
  | 'RECTIFIED'
  | 'HANDED_OVER'
  | 'IN_USE';

interface Scenario {
  state: State;
  /** Land granted before the policy date: bought back. */
  buyback?: 'NONE' | 'VALUED' | 'APPROVED' | 'PAID';
  signOffs?: ('DISTRICT_CIVIL_AFFAIRS' | 'STREET_OFFICER')[];
  /** Defects of a rejected first inspection. */
  defects?: string[];
}

const SCENARIOS: Scenario[] = [
  { state: 'IN_USE' },
  { state: 'HANDED_OVER' },
  { state: 'ACCEPTED' },
  { state: 'RECTIFIED', defects: ['PARTITIONED'] },
  { state: 'REJECTED', defects: ['BASEMENT'] },
  { state: 'INSPECTION_REQUESTED' },
  { state: 'UNDER_CONSTRUCTION' },
  { state: 'PUBLICLY_NOTICED' },
  { state: 'PLAN_APPROVED' },
  { state: 'PLANNED', signOffs: ['STREET_OFFICER'] },
  { state: 'PLANNED', signOffs: [] },
  { state: 'ACCEPTED', buyback: 'NONE' },
  { state: 'ACCEPTED', buyback: 'VALUED' },
  { state: 'ACCEPTED', buyback: 'APPROVED' },
  { state: 'IN_USE', buyback: 'PAID' },
];

const ORDER: State[] = [
  'PLANNED',
  'PLAN_APPROVED',
  'PUBLICLY_NOTICED',
  'UNDER_CONSTRUCTION',
  'INSPECTION_REQUESTED',
  'ACCEPTED',
  'HANDED_OVER',
  'IN_USE',
];
const reached = (state: State, step: State) =>
  state === 'REJECTED' || state === 'RECTIFIED'
    ? ORDER.indexOf(step) <= ORDER.indexOf('INSPECTION_REQUESTED')
    : ORDER.indexOf(state) >= ORDER.indexOf(step);

const SUFFIXES = ['苑', '府', '花园', '公馆', '雅居', '华庭'];
const PURPOSES = ['社区综合服务用房', '社区党群服务中心', '居家养老服务站', '社区活动用房'];
const ROADS = ['路', '街', '巷', '大道'];
const LANDLORDS = ['物业服务有限公司', '资产管理有限公司', '实业有限公司'];

/** The published prices (yuan per m²) per city for the year before seeding; the year before that is 4% lower. */
const PRICES: Record<string, { residential: number; commercial: number }> = {
  '5101': { residential: 15230, commercial: 18650 },
  '1101': { residential: 62480, commercial: 71230 },
  '4201': { residential: 16870, commercial: 19340 },
};

export function demoHousingId(key: string): string {
  const hex = createHash('sha256').update(`housing:${key}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function seedHousing(session: Session): Promise<void> {
  const today = todayIn('UTC');
  // Buybacks are valued at the previous year's price (DOMAIN.md), so the demo's prices are for the year before seeding.
  const REFERENCE_YEAR = Number(today.slice(0, 4)) - 1;
  const random = seededRandom(20261125);
  const { communities } = demoCity();
  const developers = await session.query<{ id: string; district: string }>(
    `SELECT id::text AS id, registration_area AS district FROM organizations.organization
      WHERE kind = 'ENTERPRISE' AND status = 'ACTIVE' AND (name LIKE '%置业有限公司' OR name LIKE '%房地产开发有限公司')
      ORDER BY registration_area, id`,
  );
  const byDistrict = new Map<string, DemoCommunity[]>();
  for (const community of communities) {
    const district = `${community.code.slice(0, 6)}000000`;
    byDistrict.set(district, [...(byDistrict.get(district) ?? []), community]);
  }

  const rows = {
    developments: [] as object[],
    premises: [] as object[],
    signOffs: [] as object[],
    inspections: [] as object[],
    signatures: [] as object[],
    buybacks: [] as object[],
    leases: [] as object[],
    audit: [] as object[],
    prices: [] as object[],
  };

  for (const [district, list] of byDistrict) {
    const ownDevelopers = developers.filter((d) => d.district === district);
    if (ownDevelopers.length === 0) continue;
    const street = (code: string) => `${code.slice(0, 9)}000`;
    SCENARIOS.forEach((scenario, s) => {
      const community = list[s % list.length]!;
      const key = `${district}:${s}`;
      const developmentId = demoHousingId(`development:${key}`);
      const premisesId = demoHousingId(`premises:${key}`);
      const bought = scenario.buyback !== undefined;
      const plannedArea = between(random, 300, 800);
      rows.developments.push({
        id: developmentId,
        developer_id: ownDevelopers[s % ownDevelopers.length]!.id,
        community_code: community.code,
        name: `${community.name.replace('社区', '')}${pick(random, SUFFIXES)}`,
        land_grant_date: bought
          ? `20${String(between(random, 8, 15)).padStart(2, '0')}-0${between(random, 1, 9)}-15`
          : `20${between(random, 17, 24)}-0${between(random, 1, 9)}-15`,
        planned_households: between(random, 300, 1800),
        acquisition: bought ? 'BUYBACK' : 'FREE_HANDOVER',
      });
      const accepted = reached(scenario.state, 'ACCEPTED') && scenario.state !== 'REJECTED' && scenario.state !== 'RECTIFIED';
      const measured = accepted ? `${plannedArea - between(random, 0, 8)}.${between(random, 10, 99)}` : null;
      const handed = reached(scenario.state, 'HANDED_OVER');
      const noticeStarts = reached(scenario.state, 'PUBLICLY_NOTICED') ? addDays(today, -between(random, 120, 600)) : null;
      rows.premises.push({
        id: premisesId,
        development_id: developmentId,
        community_code: community.code,
        building: `${between(random, 1, 12)}栋`,
        floor: between(random, 1, 3),
        unit: `${between(random, 1, 3)}0${between(random, 1, 6)}`,
        planned_area: `${plannedArea}.00`,
        purpose: pick(random, PURPOSES),
        state: scenario.state,
        notice_starts_on: noticeStarts,
        notice_ends_on: noticeStarts ? addDays(noticeStarts, 7) : null,
        accepted_area: measured,
        title_certificate: handed ? `不动产权第${between(random, 1000000, 9999999)}号` : null,
        title_transferred_on: handed ? addDays(today, -between(random, 10, 90)) : null,
      });
      const signed = scenario.signOffs ?? (reached(scenario.state, 'PLAN_APPROVED') ? ['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER'] : []);
      for (const role of signed) {
        rows.signOffs.push({
          premises_id: premisesId,
          role,
          actor: `demo-${role.toLowerCase()}`,
          actor_area: role === 'STREET_OFFICER' ? street(community.code) : district,
        });
      }
      const inspectionRounds: { defects: string[]; outcome: string }[] = [];
      if (scenario.defects) inspectionRounds.push({ defects: scenario.defects, outcome: 'REJECTED' });
      if (accepted) inspectionRounds.push({ defects: [], outcome: 'ACCEPTED' });
      inspectionRounds.forEach((round, r) => {
        const inspectionId = demoHousingId(`inspection:${key}:${r + 1}`);
        const defects = new Set(round.defects);
        rows.inspections.push({
          id: inspectionId,
          premises_id: premisesId,
          round: r + 1,
          measured_area: measured ?? `${plannedArea}.00`,
          location_as_planned: true,
          above_ground: !defects.has('BASEMENT'),
          regular_shape: true,
          no_partitions: !defects.has('PARTITIONED'),
          own_entrance: true,
          utilities: true,
          defects: round.defects,
          outcome: round.outcome,
        });
        for (const role of ['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER']) {
          rows.signatures.push({
            inspection_id: inspectionId,
            role,
            actor: `demo-${role.toLowerCase()}`,
            actor_area: role === 'STREET_OFFICER' ? street(community.code) : district,
          });
        }
      });
      if (scenario.buyback && scenario.buyback !== 'NONE') {
        const unitPrice = `${PRICES[district.slice(0, 4)]!.residential}.00`;
        rows.buybacks.push({
          premises_id: premisesId,
          state: scenario.buyback,
          price_type: 'RESIDENTIAL',
          zone: 'CITY_WIDE',
          reference_year: REFERENCE_YEAR,
          unit_price: unitPrice,
          source_document: `${REFERENCE_YEAR}年度统计公报`,
          area: measured,
          amount: buybackAmount(measured!, unitPrice),
          valued_on: `${REFERENCE_YEAR + 1}-03-10`,
          approved_at: scenario.buyback === 'VALUED' ? null : `${REFERENCE_YEAR + 1}-04-02T10:00:00+08:00`,
          paid_on: scenario.buyback === 'PAID' ? `${REFERENCE_YEAR + 1}-05-20` : null,
          payment_reference: scenario.buyback === 'PAID' ? `财建〔${REFERENCE_YEAR + 1}〕${between(random, 10, 99)}号` : null,
        });
      }
      rows.audit.push({
        entity_id: premisesId,
        community_code: community.code,
        to_state: scenario.state,
        reason:
          scenario.buyback === 'NONE' ? `Buyback stuck: no ${REFERENCE_YEAR} COMMERCIAL MAIN_URBAN reference price is published.` : null,
      });
    });

    // Communities that rent their premises; some leases end within weeks of the demo's start.
    list
      .slice(SCENARIOS.length)
      .concat(list.slice(3, 5))
      .forEach((community, l) => {
        const endsIn = [9, 24, 45, 200, 400, 15, 300][l % 7]!;
        rows.leases.push({
          id: demoHousingId(`lease:${community.code}`),
          community_code: community.code,
          landlord: `${community.name.replace('社区', '')}${pick(random, LANDLORDS)}`,
          address: `${community.serviceStationAddress.replace(/\d+号$/, '')}${between(random, 200, 399)}号${pick(random, ROADS) === '路' ? '2楼' : '1楼'}`,
          area: `${between(random, 120, 420)}.00`,
          monthly_rent: `${between(random, 30, 90) * 100}.00`,
          starts_on: addDays(today, endsIn - 3 * 365),
          ends_on: addDays(today, endsIn),
        });
      });
  }

  for (const [prefix, price] of Object.entries(PRICES)) {
    const city = prefix.padEnd(12, '0');
    for (const year of [REFERENCE_YEAR - 1, REFERENCE_YEAR]) {
      const factor = year === REFERENCE_YEAR ? 1 : 0.96;
      rows.prices.push(
        { city, year, price_type: 'RESIDENTIAL', zone: 'CITY_WIDE', unit_price: (price.residential * factor).toFixed(2) },
        { city, year, price_type: 'COMMERCIAL', zone: 'CITY_WIDE', unit_price: (price.commercial * factor).toFixed(2) },
        { city, year, price_type: 'RESIDENTIAL', zone: 'MAIN_URBAN', unit_price: (price.residential * factor * 1.18).toFixed(2) },
        // No COMMERCIAL MAIN_URBAN price: valuations on that basis are refused.
      );
    }
  }

  const insert = (sql: string, data: object[]) => session.query(sql, [JSON.stringify(data)]);
  await insert(
    `INSERT INTO housing.reference_price (city, year, price_type, zone, unit_price, source_document, published_by)
     SELECT r.city, r.year, r.price_type::housing."PriceType", r.zone::housing."PriceZone", r.unit_price, r.year || '年度统计公报 (demo)', 'demo-city-admin'
       FROM jsonb_to_recordset($1::jsonb) AS r(city text, year int, price_type text, zone text, unit_price numeric)
     ON CONFLICT DO NOTHING`,
    rows.prices,
  );
  await insert(
    `INSERT INTO housing.development (id, developer_id, community_code, name, land_grant_date, planned_households, acquisition)
     SELECT d.id, d.developer_id, d.community_code, d.name, d.land_grant_date, d.planned_households, d.acquisition::housing."Acquisition"
       FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, developer_id uuid, community_code text, name text, land_grant_date date,
            planned_households int, acquisition text)
     ON CONFLICT DO NOTHING`,
    rows.developments,
  );
  await insert(
    `INSERT INTO housing.premises (id, development_id, community_code, building, floor, unit, planned_area, purpose, state,
                                   notice_starts_on, notice_ends_on, accepted_area, title_certificate, title_transferred_on)
     SELECT p.id, p.development_id, p.community_code, p.building, p.floor, p.unit, p.planned_area, p.purpose,
            p.state::housing."PremisesState", p.notice_starts_on, p.notice_ends_on, p.accepted_area, p.title_certificate, p.title_transferred_on
       FROM jsonb_to_recordset($1::jsonb) AS p(id uuid, development_id uuid, community_code text, building text, floor int, unit text,
            planned_area numeric, purpose text, state text, notice_starts_on date, notice_ends_on date, accepted_area numeric,
            title_certificate text, title_transferred_on date)
     ON CONFLICT DO NOTHING`,
    rows.premises,
  );
  await insert(
    `INSERT INTO housing.plan_sign_off (premises_id, role, actor, actor_area)
     SELECT s.premises_id, s.role::housing."SignOffRole", s.actor, s.actor_area
       FROM jsonb_to_recordset($1::jsonb) AS s(premises_id uuid, role text, actor text, actor_area text)
     ON CONFLICT DO NOTHING`,
    rows.signOffs,
  );
  await insert(
    `INSERT INTO housing.inspection (id, premises_id, round, measured_area, location_as_planned, above_ground, regular_shape,
                                     no_partitions, own_entrance, utilities, defects, outcome, decided_at)
     SELECT i.id, i.premises_id, i.round, i.measured_area, i.location_as_planned, i.above_ground, i.regular_shape, i.no_partitions,
            i.own_entrance, i.utilities, ARRAY(SELECT jsonb_array_elements_text(i.defects)), i.outcome::housing."PremisesState", now()
       FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, premises_id uuid, round int, measured_area numeric, location_as_planned boolean,
            above_ground boolean, regular_shape boolean, no_partitions boolean, own_entrance boolean, utilities boolean, defects jsonb, outcome text)
     ON CONFLICT DO NOTHING`,
    rows.inspections,
  );
  await insert(
    `INSERT INTO housing.inspection_signature (inspection_id, role, actor, actor_area)
     SELECT s.inspection_id, s.role::housing."SignOffRole", s.actor, s.actor_area
       FROM jsonb_to_recordset($1::jsonb) AS s(inspection_id uuid, role text, actor text, actor_area text)
     ON CONFLICT DO NOTHING`,
    rows.signatures,
  );
  await insert(
    `INSERT INTO housing.buyback (premises_id, state, price_type, zone, reference_year, unit_price, source_document, area, amount,
                                  valued_on, approved_at, paid_on, payment_reference)
     SELECT b.premises_id, b.state::housing."BuybackState", b.price_type::housing."PriceType", b.zone::housing."PriceZone", b.reference_year,
            b.unit_price, b.source_document, b.area, b.amount, b.valued_on, b.approved_at, b.paid_on, b.payment_reference
       FROM jsonb_to_recordset($1::jsonb) AS b(premises_id uuid, state text, price_type text, zone text, reference_year int, unit_price numeric,
            source_document text, area numeric, amount numeric, valued_on date, approved_at timestamptz, paid_on date, payment_reference text)
     ON CONFLICT DO NOTHING`,
    rows.buybacks,
  );
  // Leases are keyed by community: a second seeding on another day adds no overlapping term.
  await insert(
    `INSERT INTO housing.lease (id, community_code, landlord, address, area, monthly_rent, starts_on, ends_on, created_by)
     SELECT l.id, l.community_code, l.landlord, l.address, l.area, l.monthly_rent, l.starts_on, l.ends_on, 'demo-seed'
       FROM jsonb_to_recordset($1::jsonb) AS l(id uuid, community_code text, landlord text, address text, area numeric,
            monthly_rent numeric, starts_on date, ends_on date)
      WHERE NOT EXISTS (SELECT 1 FROM housing.lease x WHERE x.id = l.id)`,
    rows.leases,
  );
  // One audit event per seeded premises, so every trail says where its state came from.
  await insert(
    `INSERT INTO housing.audit_event (entity_type, entity_id, community_code, action, to_state, actor, actor_role, reason)
     SELECT 'Premises', a.entity_id, a.community_code, 'DEMO_SEED', a.to_state, 'demo-seed', 'SYSTEM', a.reason
       FROM jsonb_to_recordset($1::jsonb) AS a(entity_id text, community_code text, to_state text, reason text)
      WHERE NOT EXISTS (SELECT 1 FROM housing.audit_event x WHERE x.entity_type = 'Premises' AND x.entity_id = a.entity_id)`,
    rows.audit,
  );
}
