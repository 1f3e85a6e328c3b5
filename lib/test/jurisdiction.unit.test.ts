import { codesWithPrefix, covers, isAreaCode, levelOfCode, significantPrefix } from '../kernel/auth/jurisdiction';
import { actsWithin, ANONYMOUS, requireJurisdiction, type SignedInViewer } from '../kernel/auth/viewer';

const officer = (roles: SignedInViewer['roles'], area: string): SignedInViewer => ({
  anonymous: false,
  id: 'x',
  name: 'x',
  roles,
  area,
  org: undefined,
});

test.each([
  ['510000000000', 'PROVINCE', '51'],
  ['510100000000', 'CITY', '5101'],
  ['510108000000', 'DISTRICT', '510108'],
  ['510108001000', 'STREET', '510108001'],
  ['510108001001', 'COMMUNITY', '510108001001'],
])('%s is a %s code with prefix %s', (code, level, prefix) => {
  expect(levelOfCode(code)).toBe(level);
  expect(significantPrefix(code)).toBe(prefix);
});

test('a district covers its streets and communities, not its neighbours or its city', () => {
  expect(covers('510108000000', '510108000000')).toBe(true);
  expect(covers('510108000000', '510108001001')).toBe(true);
  expect(covers('510108000000', '510107001001')).toBe(false);
  expect(covers('510108000000', '510100000000')).toBe(false);
});

test('a street covers only its own communities', () => {
  expect(covers('510108001000', '510108001005')).toBe(true);
  expect(covers('510108001000', '510108002001')).toBe(false);
  expect(covers('510108001000', '510108000000')).toBe(false);
});

test('malformed codes cover nothing and are covered by nothing', () => {
  expect(isAreaCode('51010800000')).toBe(false);
  expect(isAreaCode('000000000000')).toBe(false);
  expect(isAreaCode('51010800000a')).toBe(false);
  expect(covers('5101', '510108001001')).toBe(false);
  expect(covers('510100000000', '5101080010')).toBe(false);
});

test('the jurisdiction gate needs both the role and the coverage', () => {
  const district = officer(['DISTRICT_CIVIL_AFFAIRS'], '510108000000');
  expect(actsWithin(district, ['DISTRICT_CIVIL_AFFAIRS'], '510108003002')).toBe(true);
  expect(actsWithin(district, ['CITY_ADMIN'], '510108003002')).toBe(false);
  expect(actsWithin(ANONYMOUS, ['DISTRICT_CIVIL_AFFAIRS'], '510108003002')).toBe(false);
  expect(() => requireJurisdiction(district, ['DISTRICT_CIVIL_AFFAIRS'], '510107001001', 'Reading')).toThrow(/outside your jurisdiction/);
  expect(() => requireJurisdiction(ANONYMOUS, ['DISTRICT_CIVIL_AFFAIRS'], '510108001001', 'Reading')).toThrow(
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
  );
  expect(requireJurisdiction(district, ['DISTRICT_CIVIL_AFFAIRS'], '510108001001', 'Reading')).toBe(district);
});

test('codesWithPrefix is exactly the 12-digit codes under a prefix, bounds included', () => {
  expect(codesWithPrefix('510108')).toEqual({ gte: '510108000000', lte: '510108999999' });
  expect(codesWithPrefix('510108001001')).toEqual({ gte: '510108001001', lte: '510108001001' });
  const inRange = (code: string) => code >= codesWithPrefix('5101').gte && code <= codesWithPrefix('5101').lte;
  expect(['510100000000', '510108001001', '510199999999'].every(inRange)).toBe(true);
  expect(['510099999999', '510200000000', '520100000000'].some(inRange)).toBe(false);
});
