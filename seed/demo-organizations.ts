import { createHash } from 'node:crypto';
import { withCheckCharacter, CREDIT_CODE_CHARSET } from '../lib/kernel/credit-code';
import { demoCity, type DemoArea } from './demo-city';
import { between, pick, seededRandom } from './random';

/**
 * The demo city's organisation registry: social organisations of every kind with realistic
 * Chinese names, plus the other bodies later issues need: each district's civil-affairs bureau
 * (民政局) and every street office (街道办事处) as purchasing agencies, developers (置业/房地产
 * enterprises) and units (companies, schools, health centres) that open facilities. Credit
 * codes are made with the GB 32100-2015 check algorithm and carry the district's region code;
 * the codes and the bodies are made up.
 */

export type DemoKind =
  | 'SOCIAL_ASSOCIATION'
  | 'SOCIAL_SERVICE_AGENCY'
  | 'FOUNDATION'
  | 'COMMUNITY_FILED'
  | 'ENTERPRISE'
  | 'PUBLIC_INSTITUTION'
  | 'GOVERNMENT_AGENCY';

export type DemoStatus = 'ACTIVE' | 'ABNORMAL' | 'REVOKED' | 'DEREGISTERED';

/** What a demo body is for, so later issues can find their purchasers, developers and units. */
export type DemoRole = 'SOCIAL_ORGANIZATION' | 'CIVIL_AFFAIRS_BUREAU' | 'STREET_OFFICE' | 'DEVELOPER' | 'UNIT';

export interface DemoAnnualReport {
  year: number;
  totalIncome: string;
  governmentPurchaseIncome: string;
  expenditure: string;
  locked: boolean;
}

export interface DemoOrganization {
  /** Stable key the id is derived from, e.g. `civil-affairs:510104`. */
  key: string;
  id: string;
  role: DemoRole;
  name: string;
  kind: DemoKind;
  creditCode: string | null;
  registrationArea: string;
  registrationDate: string;
  status: DemoStatus;
  legalRepresentative: string;
  contactPhone: string;
  contactEmail: string;
  contactAddress: string;
  categories: string[];
  serviceAreaCodes: string[];
  grade: number | null;
  gradeAwardedOn: string | null;
  gradeValidUntil: string | null;
  staffCount: number;
  volunteerCount: number;
  incubator: string | null;
  incubatedSince: string | null;
  annualReports: DemoAnnualReport[];
}

/** A name-based UUID from a stable key, so the same body has the same id on every machine. */
export function demoOrganizationId(key: string): string {
  const hex = createHash('sha256').update(`organization:${key}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const PHONE_PREFIX: Record<string, string> = { '51': '+8628', '11': '+8610', '42': '+8627' };

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '罗', '邓'];
const GIVEN = [
  '芳',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '建华',
  '晓燕',
  '志刚',
  '海燕',
];
const WORDS = [
  '阳光',
  '爱心',
  '春晖',
  '彩虹',
  '启明',
  '同行',
  '和美',
  '善邻',
  '长乐',
  '康乐',
  '乐龄',
  '夕阳红',
  '向日葵',
  '蒲公英',
  '悦邻',
  '益友',
  '明德',
  '知行',
  '心桥',
  '暖阳',
  '新希望',
  '绿荫',
  '常青藤',
  '微光',
  '友邻',
  '安心',
  '惠民',
  '众爱',
];
const INCUBATORS = ['社会组织孵化园', '社会组织服务中心', '公益创投孵化基地'];
const ROADS = ['路', '街', '巷', '大道'];

interface Template {
  kind: DemoKind;
  /** Where the name is anchored: a community, a street or the whole district. */
  scope: 'community' | 'street' | 'district';
  name: (place: string, word: string) => string;
  categories: string[];
}

const SOCIAL_TEMPLATES: Template[] = [
  { kind: 'SOCIAL_SERVICE_AGENCY', scope: 'community', name: (p) => `${p}养老服务中心`, categories: ['ELDERLY_CARE', 'HEALTH'] },
  {
    kind: 'SOCIAL_SERVICE_AGENCY',
    scope: 'street',
    name: (p) => `${p}社会工作服务站`,
    categories: ['SOCIAL_WORK', 'COMMUNITY_GOVERNANCE'],
  },
  {
    kind: 'SOCIAL_ASSOCIATION',
    scope: 'district',
    name: (p, w) => `${p}${w}志愿者协会`,
    categories: ['VOLUNTEERING', 'COMMUNITY_GOVERNANCE'],
  },
  {
    kind: 'SOCIAL_SERVICE_AGENCY',
    scope: 'district',
    name: (p, w) => `${p}${w}青少年发展中心`,
    categories: ['CHILD_AND_YOUTH', 'CULTURE_AND_SPORTS'],
  },
  { kind: 'SOCIAL_SERVICE_AGENCY', scope: 'street', name: (p, w) => `${p}${w}助残服务中心`, categories: ['DISABILITY', 'SOCIAL_WORK'] },
  { kind: 'SOCIAL_SERVICE_AGENCY', scope: 'district', name: (p, w) => `${p}${w}职业技能培训学校`, categories: ['TRAINING_AND_EMPLOYMENT'] },
  { kind: 'SOCIAL_ASSOCIATION', scope: 'district', name: (p, w) => `${p}${w}文体协会`, categories: ['CULTURE_AND_SPORTS'] },
  { kind: 'SOCIAL_SERVICE_AGENCY', scope: 'community', name: (p) => `${p}居家养老服务站`, categories: ['ELDERLY_CARE'] },
  {
    kind: 'SOCIAL_SERVICE_AGENCY',
    scope: 'district',
    name: (p, w) => `${p}${w}社区法律服务中心`,
    categories: ['LEGAL_AID', 'COMMUNITY_GOVERNANCE'],
  },
  {
    kind: 'SOCIAL_SERVICE_AGENCY',
    scope: 'district',
    name: (p, w) => `${p}${w}环保公益服务中心`,
    categories: ['ENVIRONMENT', 'VOLUNTEERING'],
  },
  {
    kind: 'FOUNDATION',
    scope: 'district',
    name: (p, w) => `${p}${w}慈善基金会`,
    categories: ['POVERTY_RELIEF', 'ELDERLY_CARE', 'CHILD_AND_YOUTH'],
  },
  { kind: 'SOCIAL_ASSOCIATION', scope: 'district', name: (p, w) => `${p}${w}健康促进会`, categories: ['HEALTH', 'ELDERLY_CARE'] },
  { kind: 'SOCIAL_ASSOCIATION', scope: 'street', name: (p) => `${p}社区发展促进会`, categories: ['COMMUNITY_GOVERNANCE'] },
  {
    kind: 'SOCIAL_SERVICE_AGENCY',
    scope: 'community',
    name: (p, w) => `${p}${w}儿童之家服务中心`,
    categories: ['CHILD_AND_YOUTH', 'SOCIAL_WORK'],
  },
  {
    kind: 'SOCIAL_SERVICE_AGENCY',
    scope: 'street',
    name: (p, w) => `${p}${w}长者照护中心`,
    categories: ['ELDERLY_CARE', 'DISABILITY', 'HEALTH'],
  },
];

const FILED_NAMES = ['老年协会', '志愿服务队', '舞蹈队', '读书会', '邻里互助会', '书画社', '居民议事会', '太极拳队'];
const FILED_CATEGORIES: Record<string, string[]> = {
  老年协会: ['ELDERLY_CARE'],
  志愿服务队: ['VOLUNTEERING'],
  舞蹈队: ['CULTURE_AND_SPORTS'],
  读书会: ['CULTURE_AND_SPORTS', 'CHILD_AND_YOUTH'],
  邻里互助会: ['COMMUNITY_GOVERNANCE', 'VOLUNTEERING'],
  书画社: ['CULTURE_AND_SPORTS'],
  居民议事会: ['COMMUNITY_GOVERNANCE'],
  太极拳队: ['CULTURE_AND_SPORTS', 'HEALTH'],
};

const DEVELOPER_NAMES = ['置业有限公司', '房地产开发有限公司'];
const DEVELOPER_WORDS = ['锦城', '天府', '华润', '蓝光', '金辉', '海川', '城投', '融信', '兴隆', '世纪'];
const UNIT_NAMES: { kind: DemoKind; name: (district: string, word: string) => string; categories: string[] }[] = [
  { kind: 'PUBLIC_INSTITUTION', name: (d) => `${d}实验小学`, categories: ['CHILD_AND_YOUTH', 'CULTURE_AND_SPORTS'] },
  { kind: 'PUBLIC_INSTITUTION', name: (d, w) => `${d}${w}社区卫生服务中心`, categories: ['HEALTH', 'ELDERLY_CARE'] },
  { kind: 'ENTERPRISE', name: (d, w) => `${d}${w}文化传媒有限公司`, categories: ['CULTURE_AND_SPORTS'] },
];

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function dayBetween(random: () => number, from: string, to: string): string {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  return isoDay(new Date(start + Math.floor(random() * ((end - start) / 86_400_000 + 1)) * 86_400_000));
}

function plusYears(day: string, years: number): string {
  return `${Number(day.slice(0, 4)) + years}${day.slice(4)}`;
}

function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** Every demo organisation, the same on every call. */
export function demoOrganizations(): DemoOrganization[] {
  const random = seededRandom(20261124);
  const { areas } = demoCity();
  const cities = areas.filter((a) => a.level === 'CITY');
  const districts = areas.filter((a) => a.level === 'DISTRICT');
  const streetsOf = (district: DemoArea) => areas.filter((a) => a.level === 'STREET' && a.parentCode === district.code);
  const communitiesOf = (street: DemoArea) => areas.filter((a) => a.level === 'COMMUNITY' && a.parentCode === street.code);

  const organizations: DemoOrganization[] = [];
  const usedNames = new Set<string>();
  const usedCodes = new Set<string>();
  const person = () => pick(random, SURNAMES) + pick(random, GIVEN);

  /** `prefix` is the authority and type (e.g. 52), `region` the district's 6 digits. */
  const creditCode = (prefix: string, region: string, orgPrefix: string): string => {
    for (;;) {
      let body = orgPrefix;
      while (body.length < 9) body += orgPrefix === 'MA' ? pick(random, Array.from(CREDIT_CODE_CHARSET)) : String(between(random, 0, 9));
      const code = withCheckCharacter(`${prefix}${region}${body}`);
      if (!usedCodes.has(code)) {
        usedCodes.add(code);
        return code;
      }
    }
  };

  /** Draws until the name is new; `make` picks the place along with the name. */
  const unique = <T extends { name: string }>(make: () => T): T => {
    for (let attempt = 0; ; attempt++) {
      const made = make();
      if (!usedNames.has(made.name)) {
        usedNames.add(made.name);
        return made;
      }
      if (attempt > 100) throw new Error(`Demo organisation names ran out near ${made.name}.`);
    }
  };
  const uniqueName = (make: () => string): string => unique(() => ({ name: make() })).name;

  const add = (
    organization: Omit<DemoOrganization, 'id' | 'contactPhone' | 'contactEmail' | 'legalRepresentative'> & { district: DemoArea },
  ) => {
    const { district, ...rest } = organization;
    const index = organizations.length + 1;
    organizations.push({
      ...rest,
      id: demoOrganizationId(rest.key),
      legalRepresentative: person(),
      contactPhone: `${PHONE_PREFIX[district.code.slice(0, 2)]}${between(random, 80000000, 89999999)}`,
      contactEmail: `contact${String(index).padStart(3, '0')}@example.org.cn`,
    });
  };

  const addressIn = (district: DemoArea, street: DemoArea) =>
    `${district.name}${street.name.replace('街道', '')}${pick(random, WORDS)}${pick(random, ROADS)}${between(random, 1, 299)}号`;

  for (const district of districts) {
    const region = district.code.slice(0, 6);
    const city = cities.find((c) => c.code.slice(0, 4) === district.code.slice(0, 4))!;
    const streets = streetsOf(district);

    // The purchasing agencies: the district's civil-affairs bureau and its street offices.
    add({
      key: `civil-affairs:${region}`,
      role: 'CIVIL_AFFAIRS_BUREAU',
      district,
      name: uniqueName(() => `${city.name}${district.name}民政局`),
      kind: 'GOVERNMENT_AGENCY',
      creditCode: creditCode('11', region, 'MB'),
      registrationArea: district.code,
      registrationDate: dayBetween(random, '2015-10-01', '2016-06-30'),
      status: 'ACTIVE',
      contactAddress: addressIn(district, streets[0]!),
      categories: ['COMMUNITY_GOVERNANCE', 'ELDERLY_CARE', 'POVERTY_RELIEF', 'SOCIAL_WORK'],
      serviceAreaCodes: [district.code],
      grade: null,
      gradeAwardedOn: null,
      gradeValidUntil: null,
      staffCount: between(random, 40, 120),
      volunteerCount: 0,
      incubator: null,
      incubatedSince: null,
      annualReports: [],
    });
    for (const street of streets) {
      add({
        key: `street-office:${street.code}`,
        role: 'STREET_OFFICE',
        district,
        name: uniqueName(() => `${city.name}${district.name}${street.name}办事处`),
        kind: 'GOVERNMENT_AGENCY',
        creditCode: creditCode('11', region, 'MB'),
        registrationArea: district.code,
        registrationDate: dayBetween(random, '2015-10-01', '2017-06-30'),
        status: 'ACTIVE',
        contactAddress: addressIn(district, street),
        categories: ['COMMUNITY_GOVERNANCE'],
        serviceAreaCodes: [street.code],
        grade: null,
        gradeAwardedOn: null,
        gradeValidUntil: null,
        staffCount: between(random, 30, 90),
        volunteerCount: 0,
        incubator: null,
        incubatedSince: null,
        annualReports: [],
      });
    }

    // Developers, who hand over community premises (housing).
    for (let d = 0; d < 2; d++) {
      const cityShort = city.name.replace('市', '');
      add({
        key: `developer:${region}:${d + 1}`,
        role: 'DEVELOPER',
        district,
        name: uniqueName(() => `${cityShort}${pick(random, DEVELOPER_WORDS)}${pick(random, DEVELOPER_NAMES)}`),
        kind: 'ENTERPRISE',
        creditCode: creditCode('91', region, 'MA'),
        registrationArea: district.code,
        registrationDate: dayBetween(random, '2003-01-01', '2019-12-31'),
        status: 'ACTIVE',
        contactAddress: addressIn(district, pick(random, streets)),
        categories: [],
        serviceAreaCodes: [],
        grade: null,
        gradeAwardedOn: null,
        gradeValidUntil: null,
        staffCount: between(random, 50, 600),
        volunteerCount: 0,
        incubator: null,
        incubatedSince: null,
        annualReports: [],
      });
    }

    // Units that open canteens, rooms and courts to residents (facilities).
    UNIT_NAMES.forEach((unit, u) => {
      const street = pick(random, streets);
      add({
        key: `unit:${region}:${u + 1}`,
        role: 'UNIT',
        district,
        name: uniqueName(() => unit.name(`${city.name}${district.name}`, pick(random, WORDS))),
        kind: unit.kind,
        creditCode: creditCode(unit.kind === 'ENTERPRISE' ? '91' : '12', region, unit.kind === 'ENTERPRISE' ? 'MA' : 'MB'),
        registrationArea: district.code,
        registrationDate: dayBetween(random, '2000-01-01', '2018-12-31'),
        status: 'ACTIVE',
        contactAddress: addressIn(district, street),
        categories: unit.categories,
        serviceAreaCodes: [street.code],
        grade: null,
        gradeAwardedOn: null,
        gradeValidUntil: null,
        staffCount: between(random, 20, 200),
        volunteerCount: between(random, 0, 30),
        incubator: null,
        incubatedSince: null,
        annualReports: [],
      });
    });

    // Registered social organisations: two rounds of the templates per district.
    for (let round = 0; round < 2; round++) {
      SOCIAL_TEMPLATES.forEach((template, t) => {
        const { street, community, name } = unique(() => {
          const street = pick(random, streets);
          const community = pick(random, communitiesOf(street));
          const place =
            template.scope === 'community'
              ? `${district.name}${community.name}`
              : template.scope === 'street'
                ? `${district.name}${street.name}`
                : district.name;
          const cityPrefix = random() < 0.5 ? city.name : '';
          return { street, community, name: `${cityPrefix}${template.name(place, pick(random, WORDS))}` };
        });
        const serviceAreaCodes =
          template.scope === 'community'
            ? [community.code, ...(random() < 0.3 ? [pick(random, communitiesOf(street)).code] : [])]
            : template.scope === 'street'
              ? [street.code, ...(random() < 0.3 ? [pick(random, streets).code] : [])]
              : [district.code];
        const registrationDate = dayBetween(random, '2008-01-01', '2024-06-30');
        const roll = random();
        const status: DemoStatus = roll < 0.86 ? 'ACTIVE' : roll < 0.93 ? 'ABNORMAL' : roll < 0.97 ? 'REVOKED' : 'DEREGISTERED';
        const graded = random() < 0.55;
        const gradeRoll = random();
        const grade = graded ? (gradeRoll < 0.05 ? 1 : gradeRoll < 0.2 ? 2 : gradeRoll < 0.65 ? 3 : gradeRoll < 0.9 ? 4 : 5) : null;
        const awardedOn = graded
          ? dayBetween(random, registrationDate > '2019-01-01' ? registrationDate : '2019-01-01', '2025-12-31')
          : null;
        const incubated = random() < 0.25;
        const firstYear = Math.max(Number(registrationDate.slice(0, 4)), 2023);
        const annualReports: DemoAnnualReport[] = [];
        for (let year = firstYear; year <= 2025 && status !== 'DEREGISTERED'; year++) {
          const total = between(random, 5_000_000, 600_000_000);
          annualReports.push({
            year,
            totalIncome: yuan(total),
            governmentPurchaseIncome: yuan(Math.floor(total * random() * 0.8)),
            expenditure: yuan(Math.floor(total * (0.8 + random() * 0.25))),
            locked: year < 2025,
          });
        }
        const prefix = template.kind === 'SOCIAL_ASSOCIATION' ? '51' : template.kind === 'FOUNDATION' ? '53' : '52';
        add({
          key: `social:${region}:${round + 1}:${t + 1}`,
          role: 'SOCIAL_ORGANIZATION',
          district,
          name,
          kind: template.kind,
          creditCode: creditCode(prefix, region, 'MJ'),
          registrationArea: district.code,
          registrationDate,
          status,
          contactAddress: addressIn(district, street),
          categories: template.categories,
          serviceAreaCodes: [...new Set(serviceAreaCodes)].sort(),
          grade,
          gradeAwardedOn: awardedOn,
          gradeValidUntil: awardedOn ? plusYears(awardedOn, 5) : null,
          staffCount: between(random, 2, 60),
          volunteerCount: between(random, 0, 500),
          incubator: incubated ? `${district.name}${pick(random, INCUBATORS)}` : null,
          incubatedSince: incubated ? dayBetween(random, registrationDate, '2025-06-30') : null,
          annualReports,
        });
      });
    }

    // Community-level organisations, filed (备案) with the street office: no credit code.
    for (const street of streets) {
      const { community, kindName, name } = unique(() => {
        const community = pick(random, communitiesOf(street));
        const kindName = pick(random, FILED_NAMES);
        return { community, kindName, name: `${district.name}${community.name}${kindName}` };
      });
      add({
        key: `filed:${community.code}:${kindName}`,
        role: 'SOCIAL_ORGANIZATION',
        district,
        name,
        kind: 'COMMUNITY_FILED',
        creditCode: null,
        registrationArea: street.code,
        registrationDate: dayBetween(random, '2015-01-01', '2024-12-31'),
        status: random() < 0.92 ? 'ACTIVE' : 'ABNORMAL',
        contactAddress: addressIn(district, street),
        categories: FILED_CATEGORIES[kindName]!,
        serviceAreaCodes: [community.code],
        grade: null,
        gradeAwardedOn: null,
        gradeValidUntil: null,
        staffCount: 0,
        volunteerCount: between(random, 8, 80),
        incubator: null,
        incubatedSince: null,
        annualReports: [],
      });
    }
  }
  return organizations;
}

/** The reason recorded for a demo organisation's current status. */
export const STATUS_REASONS: Record<Exclude<DemoStatus, 'ACTIVE'>, string> = {
  ABNORMAL: '未按规定报送年度工作报告，列入活动异常名录。',
  REVOKED: '连续两年未参加年度检查，撤销登记。',
  DEREGISTERED: '完成清算，申请注销登记。',
};

export interface DemoListEntry {
  id: string;
  organizationId: string;
  list: 'ABNORMAL_ACTIVITY' | 'SERIOUS_VIOLATION';
  listedOn: string;
  reason: string;
  authority: string;
  documentNumber: string;
  removedOn: string | null;
  removalDocumentNumber: string | null;
  removalReason: string | null;
}

export interface DemoPenalty {
  id: string;
  organizationId: string;
  decidedOn: string;
  authority: string;
  documentNumber: string;
  kind: 'WARNING' | 'FINE' | 'CONFISCATION' | 'SUSPENSION' | 'REVOCATION';
  penalty: string;
  reason: string;
  inForceFrom: string;
  inForceUntil: string;
}

export interface DemoInspection {
  organizationId: string;
  year: number;
  result: 'QUALIFIED' | 'BASICALLY_QUALIFIED' | 'UNQUALIFIED' | 'NOT_INSPECTED';
  concludedOn: string;
  authority: string;
}

export interface DemoCreditRecords {
  listEntries: DemoListEntry[];
  penalties: DemoPenalty[];
  inspections: DemoInspection[];
}

/**
 * The demo's credit records, as chinanpo would show them: every district-registered body whose
 * status is ABNORMAL is on the abnormal-activity list since the day its status changed; in each
 * district one active social organisation was listed in 2024 and removed after it caught up,
 * and one holds a warning in force until 2027. The document numbers are made up.
 */
export function demoCreditRecords(organizations: readonly DemoOrganization[] = demoOrganizations()): DemoCreditRecords {
  const records: DemoCreditRecords = { listEntries: [], penalties: [], inspections: [] };
  const bureauOf = (o: DemoOrganization) => organizations.find((b) => b.key === `civil-affairs:${o.registrationArea.slice(0, 6)}`)?.name;
  const recordId = (key: string) => demoOrganizationId(`credit:${key}`);
  const registered = organizations.filter(
    (o) => o.role === 'SOCIAL_ORGANIZATION' && o.kind !== 'COMMUNITY_FILED' && bureauOf(o) !== undefined,
  );
  const short = (o: DemoOrganization) => o.registrationArea.slice(0, 6);

  for (const o of registered.filter((o) => o.status === 'ABNORMAL')) {
    records.listEntries.push({
      id: recordId(`listed:${o.id}`),
      organizationId: o.id,
      list: 'ABNORMAL_ACTIVITY',
      listedOn: '2025-06-30',
      reason: STATUS_REASONS.ABNORMAL,
      authority: bureauOf(o)!,
      documentNumber: `民异〔2025〕${short(o)}${String(records.listEntries.length + 1).padStart(3, '0')}号`,
      removedOn: null,
      removalDocumentNumber: null,
      removalReason: null,
    });
  }
  const districts = [...new Set(registered.map((o) => o.registrationArea))].sort();
  for (const area of districts) {
    const active = registered.filter((o) => o.registrationArea === area && o.status === 'ACTIVE' && o.registrationDate < '2023-01-01');
    const [caughtUp, warned] = active;
    if (caughtUp) {
      records.listEntries.push({
        id: recordId(`removed:${caughtUp.id}`),
        organizationId: caughtUp.id,
        list: 'ABNORMAL_ACTIVITY',
        listedOn: '2024-07-01',
        reason: '未按规定参加2023年度年检，列入活动异常名录。',
        authority: bureauOf(caughtUp)!,
        documentNumber: `民异〔2024〕${short(caughtUp)}001号`,
        removedOn: '2024-11-15',
        removalDocumentNumber: `民移〔2024〕${short(caughtUp)}001号`,
        removalReason: '已补报年检材料，移出活动异常名录。',
      });
      records.inspections.push(
        { organizationId: caughtUp.id, year: 2023, result: 'NOT_INSPECTED', concludedOn: '2024-06-28', authority: bureauOf(caughtUp)! },
        { organizationId: caughtUp.id, year: 2024, result: 'QUALIFIED', concludedOn: '2025-05-30', authority: bureauOf(caughtUp)! },
      );
    }
    if (warned) {
      records.penalties.push({
        id: recordId(`penalty:${warned.id}`),
        organizationId: warned.id,
        decidedOn: '2026-05-12',
        authority: bureauOf(warned)!,
        documentNumber: `民罚〔2026〕${short(warned)}001号`,
        kind: 'WARNING',
        penalty: '警告',
        reason: '未按规定公开年度工作报告及接受捐赠信息。',
        inForceFrom: '2026-05-12',
        inForceUntil: '2027-05-11',
      });
      records.inspections.push({
        organizationId: warned.id,
        year: 2024,
        result: 'BASICALLY_QUALIFIED',
        concludedOn: '2025-05-30',
        authority: bureauOf(warned)!,
      });
    }
  }
  return records;
}
