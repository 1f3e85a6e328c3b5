import { between, pick, seededRandom } from './random';

/**
 * The demo city of DOMAIN.md: the real cities and districts (real codes), with plausible streets
 * and communities beneath them. Codes below district level are made up (officialCode false),
 * except that the communities named in the field reports keep their real names.
 */

export interface DemoArea {
  code: string;
  name: string;
  level: 'CITY' | 'DISTRICT' | 'STREET' | 'COMMUNITY';
  parentCode: string | null;
  officialCode: boolean;
}

export interface DemoCommunity extends DemoArea {
  households: number;
  population: number;
  committeeContact: string;
  committeePhone: string;
  serviceStationAddress: string;
  serviceStationPhone: string;
}

interface DistrictPlan {
  code: string;
  name: string;
  /** E.164 prefix of the city's landlines. */
  phonePrefix: string;
  streets: { name: string; communities?: string[] }[];
}

const CITIES = [
  { code: '510100000000', name: '成都市' },
  { code: '110100000000', name: '北京市' },
  { code: '420100000000', name: '武汉市' },
];

const DISTRICTS: DistrictPlan[] = [
  {
    code: '510104000000',
    name: '锦江区',
    phonePrefix: '+8628',
    streets: [{ name: '春熙路街道' }, { name: '书院街街道' }, { name: '水井坊街道' }, { name: '牛市口街道' }],
  },
  {
    code: '510105000000',
    name: '青羊区',
    phonePrefix: '+8628',
    streets: [
      { name: '苏坡街道', communities: ['清波社区'] },
      { name: '抚琴街道', communities: ['西南街社区'] },
      { name: '草市街街道' },
      { name: '少城街道' },
    ],
  },
  {
    code: '510106000000',
    name: '金牛区',
    phonePrefix: '+8628',
    streets: [{ name: '荷花池街道' }, { name: '驷马桥街道' }, { name: '营门口街道' }],
  },
  {
    code: '510107000000',
    name: '武侯区',
    phonePrefix: '+8628',
    streets: [{ name: '晋阳街道', communities: ['吉福社区'] }, { name: '浆洗街街道' }, { name: '玉林街道' }, { name: '火车南站街道' }],
  },
  {
    code: '510108000000',
    name: '成华区',
    phonePrefix: '+8628',
    streets: [{ name: '猛追湾街道' }, { name: '跳蹬河街道' }, { name: '府青路街道' }, { name: '二仙桥街道' }],
  },
  {
    code: '110108000000',
    name: '海淀区',
    phonePrefix: '+8610',
    streets: [{ name: '中关村街道' }, { name: '学院路街道' }, { name: '万寿路街道' }, { name: '海淀街道' }],
  },
  {
    code: '420103000000',
    name: '江汉区',
    phonePrefix: '+8627',
    streets: [{ name: '民族街道' }, { name: '花楼街道' }, { name: '唐家墩街道' }],
  },
];

const COMMUNITY_NAMES = [
  '锦绣',
  '和平',
  '新华',
  '光明',
  '幸福',
  '长青',
  '文化',
  '建设',
  '东风',
  '望江',
  '玉带',
  '桂花',
  '芙蓉',
  '金沙',
  '青龙',
  '红星',
  '双林',
  '友谊',
  '春晓',
  '同心',
  '安康',
  '永兴',
  '府河',
  '枣子巷',
  '石人',
  '花园',
  '书香',
  '育才',
  '丽都',
  '翠林',
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭'];
const GIVEN = ['芳', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '建华', '晓燕'];
const ROADS = ['路', '街', '巷', '大道'];

export const COMMUNITIES_PER_STREET = 5;

export function demoCity(): { areas: DemoArea[]; communities: DemoCommunity[] } {
  const random = seededRandom(20261123);
  const areas: DemoArea[] = CITIES.map((city) => ({ ...city, level: 'CITY', parentCode: null, officialCode: true }));
  const communities: DemoCommunity[] = [];
  for (const district of DISTRICTS) {
    areas.push({
      code: district.code,
      name: district.name,
      level: 'DISTRICT',
      parentCode: district.code.slice(0, 4).padEnd(12, '0'),
      officialCode: true,
    });
    district.streets.forEach((street, s) => {
      const streetCode = `${district.code.slice(0, 6)}${String(s + 1).padStart(3, '0')}000`;
      areas.push({ code: streetCode, name: street.name, level: 'STREET', parentCode: district.code, officialCode: false });
      const used = new Set<string>();
      for (let c = 0; c < COMMUNITIES_PER_STREET; c++) {
        let name = street.communities?.[c];
        while (!name || used.has(name)) name = `${pick(random, COMMUNITY_NAMES)}社区`;
        used.add(name);
        const households = between(random, 1500, 6500);
        const landline = () => `${district.phonePrefix}${between(random, 80000000, 89999999)}`;
        const community: DemoCommunity = {
          code: `${streetCode.slice(0, 9)}${String(c + 1).padStart(3, '0')}`,
          name,
          level: 'COMMUNITY',
          parentCode: streetCode,
          officialCode: false,
          households,
          population: Math.round(households * (2.4 + random() * 0.6)),
          committeeContact: pick(random, SURNAMES) + pick(random, GIVEN),
          committeePhone: landline(),
          serviceStationAddress: `${district.name}${name.replace('社区', '')}${pick(random, ROADS)}${between(random, 1, 199)}号`,
          serviceStationPhone: landline(),
        };
        areas.push(community);
        communities.push(community);
      }
    });
  }
  return { areas, communities };
}
