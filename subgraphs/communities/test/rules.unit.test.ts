import type { AreaModel } from '../src/models';
import { checkFiguresAgree, validateCommunityChanges, validateNewArea } from '../src/rules';
import { refusal } from '../../../test/support/refusal';

/** The registry's input rules, one edge at a time (they also run end to end in test/e2e). */

const area = (code: string, level: AreaModel['level']): AreaModel => ({ code, name: '某', level, parentCode: null, officialCode: true });
const CHENGHUA = area('510108000000', 'DISTRICT');
const STREET = area('510108001000', 'STREET');

describe('validateNewArea', () => {
  test('a city has no parent; a community carries its figures; names are trimmed; officialCode defaults to true', () => {
    expect(validateNewArea({ code: '510100000000', name: ' 成都市 ', level: 'CITY' }, null)).toEqual({
      code: '510100000000',
      name: '成都市',
      level: 'CITY',
      parentCode: null,
      officialCode: true,
      households: undefined,
      population: undefined,
    });
    expect(
      validateNewArea(
        {
          code: '510108001009',
          name: '新社区',
          level: 'COMMUNITY',
          parentCode: '510108001000',
          households: 0,
          population: 12,
          officialCode: false,
        },
        STREET,
      ),
    ).toEqual({
      code: '510108001009',
      name: '新社区',
      level: 'COMMUNITY',
      parentCode: '510108001000',
      officialCode: false,
      households: 0,
      population: 12,
    });
  });

  test.each([
    [
      'an empty name',
      { code: '510108009000', name: '  ', level: 'STREET', parentCode: '510108000000' },
      CHENGHUA,
      'input.name',
      'The name must not be empty.',
      'REQUIRED_TEXT',
    ],
    [
      'a 101-character name',
      { code: '510108009000', name: '名'.repeat(101), level: 'STREET', parentCode: '510108000000' },
      CHENGHUA,
      'input.name',
      'The name must be at most 100 characters.',
      'TEXT_TOO_LONG',
    ],
    [
      'a name with a control character',
      { code: '510108009000', name: '甲\u0007乙', level: 'STREET', parentCode: '510108000000' },
      CHENGHUA,
      'input.name',
      'The name must not contain control characters.',
      'CONTROL_CHARACTERS',
    ],
    [
      'a code padded for another level',
      { code: '510108009001', name: '甲', level: 'STREET', parentCode: '510108000000' },
      CHENGHUA,
      'input.code',
      '510108009001 is padded as a COMMUNITY code, not a STREET code.',
      undefined,
    ],
    [
      'a city with a parent',
      { code: '510100000000', name: '甲', level: 'CITY', parentCode: '510000000000' },
      null,
      'input.parentCode',
      'A city has no parent in this registry.',
      undefined,
    ],
    [
      'a street without a parent',
      { code: '510108009000', name: '甲', level: 'STREET' },
      null,
      'input.parentCode',
      "A STREET needs its parent's code.",
      undefined,
    ],
    [
      'an unregistered parent',
      { code: '510108009000', name: '甲', level: 'STREET', parentCode: '510108000000' },
      null,
      'input.parentCode',
      'No area 510108000000 is registered.',
      undefined,
    ],
    [
      'a parent on the wrong rung',
      { code: '510108001009', name: '甲', level: 'COMMUNITY', parentCode: '510108000000' },
      CHENGHUA,
      'input.parentCode',
      'A COMMUNITY belongs under a STREET, and 510108000000 is a DISTRICT.',
      undefined,
    ],
    [
      'a code outside the parent',
      { code: '510107009000', name: '甲', level: 'STREET', parentCode: '510108000000' },
      CHENGHUA,
      'input.code',
      "510107009000 does not start with its parent's prefix 510108.",
      undefined,
    ],
    [
      'a fractional figure',
      { code: '510108001009', name: '甲', level: 'COMMUNITY', parentCode: '510108001000', households: 1.5 },
      STREET,
      'input.households',
      'Figures must be whole numbers, zero or more.',
      undefined,
    ],
    [
      'a negative figure',
      { code: '510108001009', name: '甲', level: 'COMMUNITY', parentCode: '510108001000', population: -1 },
      STREET,
      'input.population',
      'Figures must be whole numbers, zero or more.',
      undefined,
    ],
    [
      'households on a street',
      { code: '510108009000', name: '甲', level: 'STREET', parentCode: '510108000000', households: 3 },
      CHENGHUA,
      'input.households',
      'Only a community has households and population.',
      undefined,
    ],
    [
      'population on a street',
      { code: '510108009000', name: '甲', level: 'STREET', parentCode: '510108000000', population: 3 },
      CHENGHUA,
      'input.population',
      'Only a community has households and population.',
      undefined,
    ],
  ])('refuses %s, naming the field (and the rule, where one is named)', (_, input, parent, field, message, rule) => {
    expect(refusal(() => validateNewArea(input as never, parent))).toEqual({ code: 'BAD_USER_INPUT', field, message, rule });
  });

  test("a new community's population may equal its households, not fall below them", () => {
    const community = (households: number, population: number) =>
      validateNewArea({ code: '510108001009', name: '甲', level: 'COMMUNITY', parentCode: '510108001000', households, population }, STREET);
    expect(community(10, 10)).toMatchObject({ households: 10, population: 10 });
    expect(refusal(() => community(10, 9))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.population',
      message: 'A population of 9 cannot be below 10 households.',
    });
  });

  test('a 100-character name is accepted', () => {
    expect(
      validateNewArea({ code: '510108009000', name: '名'.repeat(100), level: 'STREET', parentCode: '510108000000' }, CHENGHUA).name,
    ).toHaveLength(100);
  });
});

describe('validateCommunityChanges', () => {
  test('only the fields given are changed; blank text clears; text is trimmed', () => {
    expect(validateCommunityChanges({ code: '510108001001', households: 0 })).toEqual({ households: 0 });
    expect(
      validateCommunityChanges({
        code: '510108001001',
        population: 5,
        committeeContact: ' 张敏 ',
        committeePhone: null,
        serviceStationAddress: '   ',
        serviceStationPhone: '+862884561234',
      }),
    ).toEqual({
      population: 5,
      committeeContact: '张敏',
      committeePhone: null,
      serviceStationAddress: null,
      serviceStationPhone: '+862884561234',
    });
    expect(validateCommunityChanges({ code: '510108001001', committeeContact: null })).toEqual({ committeeContact: null });
    expect(validateCommunityChanges({ code: '510108001001', serviceStationAddress: '址'.repeat(200) }).serviceStationAddress).toHaveLength(
      200,
    );
  });

  test.each([
    ['nothing to change', { code: '510108001001' }, 'input', 'Give at least one field to change.', undefined],
    [
      'nothing but nulls for figures',
      { code: '510108001001', households: null, population: null },
      'input',
      'Give at least one field to change.',
      undefined,
    ],
    [
      'an over-long address',
      { code: '510108001001', serviceStationAddress: '址'.repeat(201) },
      'input.serviceStationAddress',
      'The address must be at most 200 characters.',
      'TEXT_TOO_LONG',
    ],
    [
      'a negative household count',
      { code: '510108001001', households: -1 },
      'input.households',
      'Figures must be whole numbers, zero or more.',
      undefined,
    ],
    [
      'a negative population',
      { code: '510108001001', population: -1 },
      'input.population',
      'Figures must be whole numbers, zero or more.',
      undefined,
    ],
    [
      'an over-long contact',
      { code: '510108001001', committeeContact: '张'.repeat(201) },
      'input.committeeContact',
      'The contact must be at most 200 characters.',
      'TEXT_TOO_LONG',
    ],
  ])('refuses %s', (_, input, field, message, rule) => {
    expect(refusal(() => validateCommunityChanges(input as never))).toEqual({ code: 'BAD_USER_INPUT', field, message, rule });
  });
});

describe('checkFiguresAgree', () => {
  test('figures agree when either is unknown or population is at least households', () => {
    for (const figures of [
      { households: null, population: 1 },
      { households: undefined, population: 1 },
      { households: 5, population: null },
      { households: 5, population: undefined },
      { households: 5, population: 5 },
      { households: 5, population: 6 },
      { households: 0, population: 0 },
    ]) {
      expect(() => checkFiguresAgree(figures, { population: 1 })).not.toThrow();
    }
  });

  test('population below households is refused on the field the update changed', () => {
    const below = { households: 5566, population: 1 };
    const message = 'A population of 1 cannot be below 5566 households.';
    expect(refusal(() => checkFiguresAgree(below, { population: 1 }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.population',
      message,
    });
    expect(refusal(() => checkFiguresAgree(below, { population: 1, households: 5566 }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.population',
      message,
    });
    expect(refusal(() => checkFiguresAgree(below, { households: 5566 }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.households',
      message,
    });
    expect(refusal(() => checkFiguresAgree({ households: 5, population: 4 }, {}))).toMatchObject({ field: 'input.households' });
  });
});
