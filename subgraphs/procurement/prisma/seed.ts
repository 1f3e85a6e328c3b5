import { createHash } from 'node:crypto';
import { addDays } from '../../../lib/kernel/dates';
import { fromFen } from '../../../lib/kernel/money';
import type { Session } from '../../../lib/runtime/db';
import { demoCity } from '../../../seed/demo-city';
import { demoOrganizations, type DemoOrganization } from '../../../seed/demo-organizations';
import { between, pick, seededRandom } from '../../../seed/random';

/**
 * A year (2026) of government purchase of social services in the demo districts: on the order of
 * the 83 projects DOMAIN.md cites, mostly elderly care and training, in every state — planned,
 * tendering (some at risk), a failed open tender back in planning, awarded, contracted (with
 * payments, an overdue milestone, one expiring soon), completed with a third-party evaluation,
 * terminated. Purchasers are the districts' civil-affairs bureaus and bidders the registry's
 * active social organisations, by their seeded ids. Dates are fixed around DEMO_TODAY so the data
 * is the same on every machine; amounts are exact decimal strings.
 */

export const DEMO_TODAY = '2026-11-25';
export const DEMO_PROJECT_COUNT = 83;

export const CATALOGUE: { code: string; name: string; category: string }[] = [
  { code: 'A01.01', name: '居家养老上门服务', category: 'ELDERLY_CARE' },
  { code: 'A01.02', name: '社区日间照料中心运营', category: 'ELDERLY_CARE' },
  { code: 'A01.03', name: '老年人助餐服务', category: 'ELDERLY_CARE' },
  { code: 'A02.01', name: '职业技能培训', category: 'TRAINING_AND_EMPLOYMENT' },
  { code: 'A02.02', name: '就业创业指导', category: 'TRAINING_AND_EMPLOYMENT' },
  { code: 'A03.01', name: '儿童关爱服务', category: 'CHILD_AND_YOUTH' },
  { code: 'A04.01', name: '残疾人康复服务', category: 'DISABILITY' },
  { code: 'A05.01', name: '社区治理能力提升', category: 'COMMUNITY_GOVERNANCE' },
  { code: 'A06.01', name: '社会工作专业服务', category: 'SOCIAL_WORK' },
  { code: 'A07.01', name: '社区文体活动组织', category: 'CULTURE_AND_SPORTS' },
  { code: 'A08.01', name: '公共法律服务', category: 'LEGAL_AID' },
];

/** What each project has reached, in the order the generator cycles through them. */
export type DemoStage =
  | 'PLANNED'
  | 'TENDERING'
  | 'FAILED'
  | 'AWARDED'
  | 'ACTIVE'
  | 'ACTIVE_OVERDUE'
  | 'ACTIVE_EXPIRING'
  | 'COMPLETED'
  | 'EVALUATED'
  | 'TERMINATED';

const STAGES: DemoStage[] = [
  'ACTIVE',
  'EVALUATED',
  'TENDERING',
  'ACTIVE_OVERDUE',
  'COMPLETED',
  'PLANNED',
  'ACTIVE',
  'AWARDED',
  'FAILED',
  'ACTIVE_EXPIRING',
  'TERMINATED',
  'TENDERING',
];

export function demoProcurementId(key: string): string {
  const hex = createHash('sha256').update(`procurement:${key}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const yuan = (fen: number) => fromFen(BigInt(fen));

export interface DemoProject {
  id: string;
  stage: DemoStage;
  areaCode: string;
  category: string;
  purchaser: DemoOrganization;
}

interface Rows {
  projects: unknown[][];
  communities: unknown[][];
  targets: unknown[][];
  tenders: unknown[][];
  bids: unknown[][];
  contracts: unknown[][];
  milestones: unknown[][];
  payments: unknown[][];
  evaluations: unknown[][];
  budgetLines: unknown[][];
  demo: DemoProject[];
}

/** Every demo row, the same on every call. */
export function demoProcurement(): Rows {
  const random = seededRandom(20261125);
  const organizations = demoOrganizations();
  const { areas, communities } = demoCity();
  const districts = areas.filter((a) => a.level === 'DISTRICT');
  const rows: Rows = {
    projects: [],
    communities: [],
    targets: [],
    tenders: [],
    bids: [],
    contracts: [],
    milestones: [],
    payments: [],
    evaluations: [],
    budgetLines: [],
    demo: [],
  };

  const bureaus = new Map(districts.map((d) => [d.code, organizations.find((o) => o.key === `civil-affairs:${d.code.slice(0, 6)}`)!]));
  const budgetLineOf = new Map<string, { id: string; committed: number }>();
  for (const district of districts) {
    const id = demoProcurementId(`budget:${district.code}:2026`);
    budgetLineOf.set(district.code, { id, committed: 0 });
  }
  const serving = (category: string, district: string) =>
    organizations.filter(
      (o) =>
        o.status === 'ACTIVE' &&
        o.kind !== 'GOVERNMENT_AGENCY' &&
        o.kind !== 'COMMUNITY_FILED' &&
        o.categories.includes(category) &&
        o.serviceAreaCodes.some(
          (area) => district.startsWith(area.replace(/0+$/, '').slice(0, 6)) || area.startsWith(district.slice(0, 6)),
        ),
    );
  const evaluators = organizations.filter(
    (o) => o.status === 'ACTIVE' && o.kind === 'SOCIAL_SERVICE_AGENCY' && o.categories.includes('SOCIAL_WORK'),
  );

  for (let n = 0; n < DEMO_PROJECT_COUNT; n++) {
    const district = districts[n % districts.length]!;
    // Mostly elderly care and training, as the field reports found.
    const roll = random();
    const item = roll < 0.45 ? CATALOGUE[n % 3]! : roll < 0.75 ? CATALOGUE[3 + (n % 2)]! : pick(random, CATALOGUE.slice(5));
    const stage = STAGES[n % STAGES.length]!;
    const id = demoProcurementId(`project:${n + 1}`);
    const purchaser = bureaus.get(district.code)!;
    const budgetFen = between(random, 20, 400) * 1_000_000; // 200k – 4M yuan
    const line = budgetLineOf.get(district.code)!;
    line.committed += budgetFen;
    const inDistrict = communities.filter((c) => c.code.startsWith(district.code.slice(0, 6)));
    const served = [pick(random, inDistrict), pick(random, inDistrict)].filter(
      (c, i, all) => all.findIndex((x) => x.code === c.code) === i,
    );
    const createdOn = addDays('2026-01-10', (n * 3) % 200);
    const status =
      stage === 'PLANNED' || stage === 'FAILED'
        ? 'PLANNED'
        : stage === 'TENDERING'
          ? 'TENDERING'
          : stage === 'AWARDED'
            ? 'AWARDED'
            : stage === 'COMPLETED' || stage === 'EVALUATED'
              ? 'COMPLETED'
              : 'CONTRACTED';
    const title = `${district.name}${served[0]!.name}${item.name}项目`;
    rows.projects.push([
      id,
      title,
      purchaser.id,
      purchaser.name,
      purchaser.creditCode,
      district.code,
      item.code,
      item.category,
      line.id,
      `为${served.map((c) => c.name).join('、')}提供${item.name}`,
      yuan(budgetFen),
      12,
      null,
      status,
      `${createdOn}T02:00:00Z`,
    ]);
    rows.demo.push({ id, stage, areaCode: district.code, category: item.category, purchaser });
    for (const c of served) rows.communities.push([id, c.code]);
    rows.targets.push([id, 0, '服务人次', `${between(random, 5, 40) * 100}`], [id, 1, '居民满意度', '90%']);
    if (stage === 'PLANNED') continue;

    // Where the district's own supply is thin, organisations from elsewhere in the registry bid.
    let pool = serving(item.category, district.code);
    if (pool.length < 3)
      pool = organizations.filter(
        (o) =>
          o.status === 'ACTIVE' && o.role === 'SOCIAL_ORGANIZATION' && o.kind !== 'COMMUNITY_FILED' && o.categories.includes(item.category),
      );
    if (pool.length < 3) throw new Error(`The demo registry has fewer than 3 organisations for ${item.category}.`);
    const bidders = pool.slice(0, Math.min(pool.length, between(random, 3, 5)));
    const tenderId = demoProcurementId(`tender:${n + 1}:1`);
    const published = addDays(createdOn, 10);
    const tenderRow = (tid: string, status: string, opens: string, closes: string, award: unknown[]) => [
      tid,
      id,
      'OPEN',
      null,
      n % 2 === 0 ? 'RATED' : 'PRICE_ONLY',
      ['SOCIAL_ASSOCIATION', 'SOCIAL_SERVICE_AGENCY', 'FOUNDATION', 'ENTERPRISE', 'PUBLIC_INSTITUTION'],
      null,
      [],
      `${published}T01:00:00Z`,
      `${opens}T01:00:00Z`,
      `${closes}T09:00:00Z`,
      status,
      ...award,
    ];
    if (stage === 'TENDERING') {
      // Active tenders close after DEMO_TODAY; some have thin supply or few bids (at risk).
      const closes = addDays(DEMO_TODAY, 5 + (n % 40));
      rows.tenders.push(tenderRow(tenderId, 'ACTIVE', addDays(closes, -25), closes, [null, null, null, null, null]));
      for (const [b, org] of bidders.slice(0, n % 3 === 0 ? 1 : bidders.length).entries()) {
        rows.bids.push([
          demoProcurementId(`bid:${n + 1}:${b}`),
          tenderId,
          org.id,
          org.name,
          org.creditCode,
          yuan(Math.round(budgetFen * (0.85 + random() * 0.14))),
          `${org.name}服务方案`,
          `${addDays(closes, -5)}T03:00:00Z`,
          null,
          null,
          null,
        ]);
      }
      continue;
    }
    const closes = addDays(published, 22);
    if (stage === 'FAILED') {
      // 流标: a failed open tender with two qualified bids; the project is back in planning.
      rows.tenders.push(tenderRow(tenderId, 'UNSUCCESSFUL', published, closes, [null, null, null, null, null]));
      for (const [b, org] of bidders.slice(0, 2).entries()) {
        rows.bids.push([
          demoProcurementId(`bid:${n + 1}:${b}`),
          tenderId,
          org.id,
          org.name,
          org.creditCode,
          yuan(Math.round(budgetFen * 0.95)),
          `${org.name}服务方案`,
          `${addDays(closes, -3)}T03:00:00Z`,
          null,
          true,
          null,
        ]);
      }
      continue;
    }
    const bidRows = bidders.map((org, b) => {
      const price = Math.round((budgetFen * (0.8 + random() * 0.18)) / 100) * 100;
      return { id: demoProcurementId(`bid:${n + 1}:${b}`), org, price, score: 70 + between(random, 0, 29) };
    });
    const winner = n % 2 === 0 ? [...bidRows].sort((a, b) => b.score - a.score)[0]! : [...bidRows].sort((a, b) => a.price - b.price)[0]!;
    for (const bid of bidRows) {
      rows.bids.push([
        bid.id,
        tenderId,
        bid.org.id,
        bid.org.name,
        bid.org.creditCode,
        yuan(bid.price),
        `${bid.org.name}服务方案`,
        `${addDays(closes, -4)}T03:00:00Z`,
        null,
        true,
        n % 2 === 0 ? bid.score : null,
      ]);
    }
    const notice = stage === 'AWARDED' ? addDays(DEMO_TODAY, -5) : addDays(closes, 3);
    rows.tenders.push(
      tenderRow(tenderId, 'AWARDED', published, closes, [winner.id, yuan(winner.price), notice, addDays(notice, 9), `${notice}T02:00:00Z`]),
    );
    if (stage === 'AWARDED') continue;

    const contractId = demoProcurementId(`contract:${n + 1}`);
    const signed = addDays(notice, 10);
    const starts = addDays(signed, 1);
    const ends =
      stage === 'ACTIVE_EXPIRING'
        ? addDays(DEMO_TODAY, 20)
        : stage === 'COMPLETED' || stage === 'EVALUATED'
          ? addDays(DEMO_TODAY, -10)
          : addDays(starts, 364);
    const contractStatus = stage === 'COMPLETED' || stage === 'EVALUATED' ? 'COMPLETED' : stage === 'TERMINATED' ? 'TERMINATED' : 'ACTIVE';
    const thirds = [addDays(starts, 90), addDays(starts, 180), addDays(starts, 330)];
    let paid = 0;
    thirds.forEach((due, m) => {
      const milestoneId = demoProcurementId(`milestone:${n + 1}:${m}`);
      const overdueOne = stage === 'ACTIVE_OVERDUE' && m === 0;
      const done = contractStatus === 'COMPLETED' || (!overdueOne && due < DEMO_TODAY);
      const dueOn = overdueOne ? addDays(DEMO_TODAY, -20) : due;
      rows.milestones.push([
        milestoneId,
        contractId,
        `第${m + 1}阶段服务`,
        m === 2 ? '年度服务总结报告' : '阶段服务记录与台账',
        dueOn,
        done ? dueOn : null,
      ]);
      if (done) {
        const amount = Math.floor(winner.price / 3 / 100) * 100;
        paid += amount;
        rows.payments.push([demoProcurementId(`payment:${n + 1}:${m}`), contractId, milestoneId, yuan(amount), addDays(dueOn, 5)]);
      }
    });
    rows.contracts.push([
      contractId,
      id,
      tenderId,
      winner.org.id,
      purchaser.id,
      district.code,
      item.category,
      title,
      yuan(winner.price),
      yuan(winner.price),
      yuan(paid),
      starts,
      ends,
      signed,
      contractStatus,
      contractStatus === 'TERMINATED' ? '服务机构主动申请终止' : null,
    ]);
    if (stage === 'EVALUATED' || (stage === 'COMPLETED' && n % 2 === 0)) {
      const evaluator = evaluators.find((o) => o.id !== winner.org.id)!;
      const scores = [
        { indicator: '服务人次', score: between(random, 75, 98) },
        { indicator: '居民满意度', score: between(random, 80, 99) },
      ];
      const overall = (scores[0]!.score + scores[1]!.score) / 2;
      const done = stage === 'EVALUATED';
      rows.evaluations.push([
        demoProcurementId(`evaluation:${n + 1}`),
        contractId,
        winner.org.id,
        evaluator.id,
        evaluator.name,
        done ? 'COMPLETED' : 'ASSIGNED',
        JSON.stringify(done ? scores : []),
        done ? scores[1]!.score : null,
        done ? overall : null,
        done ? (overall >= 90 ? 'EXCELLENT' : overall >= 80 ? 'GOOD' : 'PASS') : null,
        done ? `${addDays(ends, 5) < DEMO_TODAY ? addDays(ends, 5) : DEMO_TODAY}T06:00:00Z` : null,
      ]);
    }
  }

  for (const district of districts) {
    const line = budgetLineOf.get(district.code)!;
    const amount = Math.ceil((line.committed * 1.2) / 100_000_000) * 100_000_000;
    rows.budgetLines.push([
      line.id,
      bureaus.get(district.code)!.id,
      district.code,
      2026,
      `${district.name}2026年政府购买社会服务预算`,
      yuan(amount),
      yuan(line.committed),
    ]);
  }
  return rows;
}

async function insert(session: Session, table: string, columns: string[], casts: string[], values: unknown[][]): Promise<void> {
  // Batched multi-row inserts keep the seed to a few statements per table.
  for (let start = 0; start < values.length; start += 200) {
    const batch = values.slice(start, start + 200);
    const params: unknown[] = [];
    const tuples = batch.map(
      (row) =>
        `(${row
          .map((value, i) => {
            params.push(value);
            return `$${params.length}${casts[i] ? `::${casts[i]}` : ''}`;
          })
          .join(', ')})`,
    );
    await session.query(
      `INSERT INTO procurement.${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

/** Writes the demo procurement; running it again changes nothing. */
export async function seedProcurement(session: Session): Promise<void> {
  await insert(
    session,
    'catalogue_item',
    ['code', 'name', 'category'],
    ['', '', ''],
    CATALOGUE.map((c) => [c.code, c.name, c.category]),
  );
  const rows = demoProcurement();
  await insert(
    session,
    'budget_line',
    ['id', 'agency_id', 'area_code', 'year', 'name', 'amount', 'committed'],
    ['uuid', 'uuid', '', 'smallint', '', 'numeric', 'numeric'],
    rows.budgetLines,
  );
  await insert(
    session,
    'project',
    [
      'id',
      'title',
      'purchaser_id',
      'purchaser_name',
      'purchaser_credit_code',
      'area_code',
      'catalogue_code',
      'category',
      'budget_line_id',
      'service_content',
      'budget',
      'term_months',
      'term_justification',
      'status',
      'created_at',
    ],
    ['uuid', '', 'uuid', '', '', '', '', '', 'uuid', '', 'numeric', 'smallint', '', 'procurement."ProjectStatus"', 'timestamptz'],
    rows.projects,
  );
  await insert(session, 'project_community', ['project_id', 'community_code'], ['uuid', ''], rows.communities);
  await insert(
    session,
    'performance_target',
    ['project_id', 'position', 'indicator', 'target_value'],
    ['uuid', 'smallint', '', ''],
    rows.targets,
  );
  await insert(
    session,
    'tender',
    [
      'id',
      'project_id',
      'method',
      'method_change_reason',
      'award_criteria',
      'eligible_kinds',
      'min_grade',
      'invited_ids',
      'published_at',
      'opens_at',
      'closes_at',
      'status',
      'awarded_bid_id',
      'award_amount',
      'award_notice_date',
      'objection_deadline',
      'awarded_at',
    ],
    [
      'uuid',
      'uuid',
      'procurement."TenderMethod"',
      '',
      'procurement."AwardCriteria"',
      'text[]',
      'smallint',
      'uuid[]',
      'timestamptz',
      'timestamptz',
      'timestamptz',
      'procurement."TenderStatus"',
      'uuid',
      'numeric',
      'date',
      'date',
      'timestamptz',
    ],
    rows.tenders,
  );
  await insert(
    session,
    'bid',
    [
      'id',
      'tender_id',
      'organization_id',
      'organization_name',
      'credit_code',
      'price',
      'proposal',
      'submitted_at',
      'withdrawn_at',
      'qualified',
      'score',
    ],
    ['uuid', 'uuid', 'uuid', '', '', 'numeric', '', 'timestamptz', 'timestamptz', 'boolean', 'numeric'],
    rows.bids,
  );
  await insert(
    session,
    'contract',
    [
      'id',
      'project_id',
      'tender_id',
      'supplier_id',
      'purchaser_id',
      'area_code',
      'category',
      'title',
      'original_value',
      'value',
      'paid',
      'starts_on',
      'ends_on',
      'signed_on',
      'status',
      'termination_reason',
    ],
    [
      'uuid',
      'uuid',
      'uuid',
      'uuid',
      'uuid',
      '',
      '',
      '',
      'numeric',
      'numeric',
      'numeric',
      'date',
      'date',
      'date',
      'procurement."ContractStatus"',
      '',
    ],
    rows.contracts,
  );
  await insert(
    session,
    'milestone',
    ['id', 'contract_id', 'title', 'deliverable', 'due_on', 'completed_on'],
    ['uuid', 'uuid', '', '', 'date', 'date'],
    rows.milestones,
  );
  await insert(
    session,
    'payment',
    ['id', 'contract_id', 'milestone_id', 'amount', 'paid_on'],
    ['uuid', 'uuid', 'uuid', 'numeric', 'date'],
    rows.payments,
  );
  await insert(
    session,
    'performance_evaluation',
    [
      'id',
      'contract_id',
      'supplier_id',
      'evaluator_id',
      'evaluator_name',
      'status',
      'scores',
      'satisfaction',
      'overall_score',
      'grade',
      'completed_at',
    ],
    ['uuid', 'uuid', 'uuid', 'uuid', '', 'procurement."EvaluationStatus"', 'jsonb', 'numeric', 'numeric', '', 'timestamptz'],
    rows.evaluations,
  );
}
