import type { HousingConfig } from '../src/config';
import type { InspectionItems } from '../src/models';
import { addDays } from '../../../lib/kernel/dates';
import { isUuid, requireUuid } from '../../../lib/kernel/ids';
import { optionalText, requiredText } from '../../../lib/kernel/text';
import {
  area,
  areaShortBy,
  asksTotalCount,
  buybackAmount,
  checkCursor,
  defectsOf,
  integerIn,
  isAreaShort,
  MAX_ADDRESS,
  MAX_LABEL,
  MAX_LONG_TEXT,
  MAX_REFERENCE,
  MAX_SOURCE_DOCUMENT,
  MAX_TEXT,
  requiredArea,
  year,
  yuan,
} from '../src/rules';
import { refusal } from '../../../test/support/refusal';

/** The housing subgraph's input rules, one edge at a time (the end-to-end tests run them through the graph). */

const CONFIG: HousingConfig = {
  policyDate: '2016-01-01',
  noticeDays: 7,
  areaToleranceBasisPoints: 300,
  minPremisesM2: 350,
  m2Per100Households: 30,
};

const badInput = (field: string, message: string) => ({ code: 'BAD_USER_INPUT', field, message });
const broken = (field: string, rule: string, message: string) => ({ ...badInput(field, message), rule });

describe('ids', () => {
  test('a UUID in any case is accepted and kept in lower case; anything else names the field', () => {
    expect(isUuid('0A1B2C3D-4E5F-4a6b-8c7d-9e0f1a2b3c4d')).toBe(true);
    expect(requireUuid('0A1B2C3D-4E5F-4a6b-8c7d-9e0f1a2b3c4d', 'input.id')).toBe('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
    expect(isUuid('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4')).toBe(false);
    expect(refusal(() => requireUuid('not-a-uuid', 'input.premisesId'))).toEqual(
      broken('input.premisesId', 'NOT_AN_ID', '"not-a-uuid" is not an id (a UUID).'),
    );
  });
});

describe('text', () => {
  test('is trimmed, and blank text is refused', () => {
    expect(requiredText('  海棠苑 ', 'input.name', MAX_TEXT)).toBe('海棠苑');
    expect(refusal(() => requiredText(' \t\n ', 'input.name', MAX_TEXT, 'The name'))).toEqual(
      broken('input.name', 'REQUIRED_TEXT', 'The name must not be empty.'),
    );
  });

  test('names hold 200 characters, labels 50, references 100, addresses and source documents 500, long text 2000', () => {
    expect([MAX_TEXT, MAX_LABEL, MAX_REFERENCE, MAX_ADDRESS, MAX_SOURCE_DOCUMENT, MAX_LONG_TEXT]).toEqual([200, 50, 100, 500, 500, 2000]);
    expect(requiredText('x'.repeat(200), 'input.name', MAX_TEXT)).toBe('x'.repeat(200));
    expect(refusal(() => requiredText('x'.repeat(201), 'input.name', MAX_TEXT, 'The name'))).toEqual(
      broken('input.name', 'TEXT_TOO_LONG', 'The name must be at most 200 characters.'),
    );
    expect(requiredText(` ${'x'.repeat(50)} `, 'input.building', MAX_LABEL)).toBe('x'.repeat(50));
    expect(refusal(() => requiredText('x'.repeat(51), 'input.building', MAX_LABEL, 'The building'))).toEqual(
      broken('input.building', 'TEXT_TOO_LONG', 'The building must be at most 50 characters.'),
    );
  });

  test('refuses every control character except tab, line feed and carriage return', () => {
    for (const code of [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x0e, 0x1f, 0x7f]) {
      expect(refusal(() => requiredText(`a${String.fromCharCode(code)}b`, 'input.notes', MAX_LONG_TEXT, 'The notes'))).toEqual(
        broken('input.notes', 'CONTROL_CHARACTERS', 'The notes must not contain control characters.'),
      );
    }
    for (const code of [0x09, 0x0a, 0x0d, 0x20, 0x7e, 0x80]) {
      expect(requiredText(`a${String.fromCharCode(code)}b`, 'input.notes', MAX_LONG_TEXT)).toBe(`a${String.fromCharCode(code)}b`);
    }
  });

  test('optional text: absent or blank is null, otherwise checked with at most 2000 characters', () => {
    expect(optionalText(undefined, 'input.notes', MAX_LONG_TEXT)).toBeNull();
    expect(optionalText(null, 'input.notes', MAX_LONG_TEXT)).toBeNull();
    expect(optionalText('   ', 'input.notes', MAX_LONG_TEXT)).toBeNull();
    expect(optionalText(' 备注 ', 'input.notes', MAX_LONG_TEXT)).toBe('备注');
    expect(optionalText('x'.repeat(2000), 'input.notes', MAX_LONG_TEXT)).toBe('x'.repeat(2000));
    expect(refusal(() => optionalText('x'.repeat(2001), 'input.notes', MAX_LONG_TEXT, 'The notes'))).toEqual(
      broken('input.notes', 'TEXT_TOO_LONG', 'The notes must be at most 2000 characters.'),
    );
    expect(refusal(() => optionalText('a\u0000', 'input.notes', MAX_LONG_TEXT, 'The notes'))).toEqual(
      broken('input.notes', 'CONTROL_CHARACTERS', 'The notes must not contain control characters.'),
    );
  });

  test('long text holds 2000 characters', () => {
    expect(requiredText(` ${'x'.repeat(2000)} `, 'input.description', MAX_LONG_TEXT)).toBe('x'.repeat(2000));
    expect(refusal(() => requiredText('x'.repeat(2001), 'input.description', MAX_LONG_TEXT, 'The description'))).toEqual(
      broken('input.description', 'TEXT_TOO_LONG', 'The description must be at most 2000 characters.'),
    );
    expect(refusal(() => requiredText('  ', 'input.description', MAX_LONG_TEXT, 'The description'))).toEqual(
      broken('input.description', 'REQUIRED_TEXT', 'The description must not be empty.'),
    );
  });
});

describe('numbers', () => {
  const AREA_MESSAGE = 'Areas are m² with at most 8 integer digits and 2 decimals, more than zero (e.g. 420.50).';

  test('areas: up to 8 integer digits and 2 decimals, more than zero, returned with two decimals', () => {
    expect(area(' 420.5 ', 'input.plannedArea')).toBe('420.50');
    expect(area('0.01', 'input.plannedArea')).toBe('0.01');
    expect(area('99999999.99', 'input.plannedArea')).toBe('99999999.99');
    expect(area('7', 'input.plannedArea')).toBe('7.00');
    for (const bad of ['0', '0.00', '100000000', '1.234', '-1', '1.', '.5', 'abc', '']) {
      expect(refusal(() => area(bad, 'input.plannedArea'))).toEqual(badInput('input.plannedArea', AREA_MESSAGE));
    }
  });

  test('money: decimal yuan, more than zero unless zero is allowed', () => {
    expect(yuan(' 12.5 ', 'input.unitPrice')).toBe('12.50');
    expect(yuan('0.01', 'input.unitPrice')).toBe('0.01');
    expect(refusal(() => yuan('0.00', 'input.unitPrice'))).toEqual(badInput('input.unitPrice', 'The amount must be more than zero.'));
    expect(yuan('0', 'input.deposit', false)).toBe('0.00');
    expect(refusal(() => yuan('-1', 'input.unitPrice'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.unitPrice' });
  });

  test('whole numbers within bounds, both ends included', () => {
    expect(integerIn(1, 'input.floor', 1, 3)).toBe(1);
    expect(integerIn(3, 'input.floor', 1, 3)).toBe(3);
    for (const bad of [0, 4, 1.5, Number.NaN]) {
      expect(refusal(() => integerIn(bad, 'input.floor', 1, 3))).toEqual(badInput('input.floor', 'Must be a whole number from 1 to 3.'));
    }
  });

  test('years from 1990 to 2100', () => {
    expect(year(1990, 'input.year')).toBe(1990);
    expect(year(2100, 'input.year')).toBe(2100);
    expect(refusal(() => year(1989, 'input.year'))).toEqual(badInput('input.year', 'Must be a whole number from 1990 to 2100.'));
    expect(refusal(() => year(2101, 'input.year'))).toEqual(badInput('input.year', 'Must be a whole number from 1990 to 2100.'));
  });
});

describe('inspection', () => {
  const sound: InspectionItems = {
    measuredArea: '100.00',
    locationAsPlanned: true,
    aboveGround: true,
    regularShape: true,
    noPartitions: true,
    ownEntrance: true,
    utilities: true,
  };

  test('the area is short only when it falls below the plan by more than the tolerance', () => {
    expect(isAreaShort('100.00', '97.00', 300)).toBe(false);
    expect(isAreaShort('100.00', '96.99', 300)).toBe(true);
    expect(isAreaShort('100.00', '120.00', 300)).toBe(false);
    expect(isAreaShort('100.00', '100.00', 0)).toBe(false);
    expect(isAreaShort('100.00', '99.99', 0)).toBe(true);
  });

  test('how far the area falls short of the plan, exact to the hundredth; null when it does not', () => {
    expect(areaShortBy('400.00', '372.50')).toBe('27.50');
    expect(areaShortBy('333.33', '333.32')).toBe('0.01');
    expect(areaShortBy('400.00', '400.00')).toBeNull();
    expect(areaShortBy('400.00', '412.50')).toBeNull();
  });

  test('each failed item is its own defect, in a fixed order', () => {
    expect(defectsOf(sound, '100.00', CONFIG)).toEqual([]);
    expect(defectsOf({ ...sound, measuredArea: '96.99' }, '100.00', CONFIG)).toEqual(['AREA_SHORT']);
    expect(defectsOf({ ...sound, measuredArea: '97.00' }, '100.00', CONFIG)).toEqual([]);
    expect(defectsOf(sound, '103.10', { ...CONFIG, areaToleranceBasisPoints: 300 })).toEqual(['AREA_SHORT']);
    expect(defectsOf({ ...sound, locationAsPlanned: false }, '100.00', CONFIG)).toEqual(['LOCATION_NOT_AS_PLANNED']);
    expect(defectsOf({ ...sound, aboveGround: false }, '100.00', CONFIG)).toEqual(['BASEMENT']);
    expect(defectsOf({ ...sound, regularShape: false }, '100.00', CONFIG)).toEqual(['IRREGULAR_SHAPE']);
    expect(defectsOf({ ...sound, noPartitions: false }, '100.00', CONFIG)).toEqual(['PARTITIONED']);
    expect(defectsOf({ ...sound, ownEntrance: false }, '100.00', CONFIG)).toEqual(['NO_OWN_ENTRANCE']);
    expect(defectsOf({ ...sound, utilities: false }, '100.00', CONFIG)).toEqual(['NO_UTILITIES']);
    const failed: InspectionItems = {
      measuredArea: '1.00',
      locationAsPlanned: false,
      aboveGround: false,
      regularShape: false,
      noPartitions: false,
      ownEntrance: false,
      utilities: false,
    };
    expect(defectsOf(failed, '100.00', CONFIG)).toEqual([
      'AREA_SHORT',
      'LOCATION_NOT_AS_PLANNED',
      'BASEMENT',
      'IRREGULAR_SHAPE',
      'PARTITIONED',
      'NO_OWN_ENTRANCE',
      'NO_UTILITIES',
    ]);
  });
});

describe('amounts', () => {
  test('a buyback is area × unit price, rounded half up to the fen', () => {
    expect(buybackAmount('100.00', '12000.00')).toBe('1200000.00');
    expect(buybackAmount('420.55', '9876.54')).toBe('4153578.90');
    expect(buybackAmount('0.01', '0.50')).toBe('0.01');
    expect(buybackAmount('0.01', '0.49')).toBe('0.00');
  });

  test('the required area is the larger of the minimum and the per-household rule', () => {
    expect(requiredArea(1000, CONFIG)).toBe('350.00');
    expect(requiredArea(2000, CONFIG)).toBe('600.00');
    expect(requiredArea(1167, CONFIG)).toBe('350.10');
    expect(requiredArea(0, CONFIG)).toBe('350.00');
    expect(requiredArea(1001, { ...CONFIG, m2Per100Households: 35 })).toBe('350.35');
  });
});

describe('days', () => {
  test('adding days crosses months and years in UTC', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-06-15', 0)).toBe('2026-06-15');
    expect(addDays('2026-06-15', 7)).toBe('2026-06-22');
  });
});

describe('cursors', () => {
  const REFUSED = badInput('after', 'This cursor was not issued by this list.');

  test('no cursor passes, and a null part is left to readPage', () => {
    expect(() => checkCursor(undefined, ['date'])).not.toThrow();
    expect(() => checkCursor(['anything', 'else'], [null, null])).not.toThrow();
  });

  test('a date part is YYYY-MM-DD and a real date', () => {
    expect(() => checkCursor(['2026-01-31'], ['date'])).not.toThrow();
    for (const bad of ['2026-1-31', '2026-01-1', '12026-01-31', '2026-01-31T00:00:00Z', '2026-13-01', 'x2026-01-31', '']) {
      expect(refusal(() => checkCursor([bad], ['date']))).toEqual(REFUSED);
    }
    expect(refusal(() => checkCursor([20260131], ['date']))).toEqual(REFUSED);
  });

  test('a decimal part has 1 to 12 integer digits and exactly 2 decimals', () => {
    expect(() => checkCursor(['0.00'], ['decimal'])).not.toThrow();
    expect(() => checkCursor(['123456789012.50'], ['decimal'])).not.toThrow();
    for (const bad of ['1234567890123.00', '12.5', '12.500', '12', '.50', 'a12.50', '12.50a', '12,50', '-1.00']) {
      expect(refusal(() => checkCursor([bad], ['decimal']))).toEqual(REFUSED);
    }
    // A number whose text would match is refused too: the part must be the string readPage decoded.
    expect(refusal(() => checkCursor([420.25], ['decimal']))).toEqual(REFUSED);
  });

  test('every part is checked at its own position, and the refusal names the given field', () => {
    expect(() => checkCursor(['2026-01-31', 'x', '420.50'], ['date', null, 'decimal'])).not.toThrow();
    expect(refusal(() => checkCursor(['2026-01-31', 'x', '420.5'], ['date', null, 'decimal']))).toEqual(REFUSED);
    expect(refusal(() => checkCursor(['420.50', 'x', '2026-01-31'], ['date', null, 'decimal']))).toEqual(REFUSED);
    expect(refusal(() => checkCursor(['2026-1-31'], ['date'], 'leases.after'))).toEqual(
      badInput('leases.after', 'This cursor was not issued by this list.'),
    );
  });
});

describe('asksTotalCount', () => {
  const field = (name: string) => ({ kind: 'Field', name: { value: name } });

  test('is true when any field node selects totalCount directly', () => {
    expect(asksTotalCount({ fieldNodes: [{ selectionSet: { selections: [field('edges'), field('totalCount')] } }] })).toBe(true);
    expect(
      asksTotalCount({
        fieldNodes: [{ selectionSet: { selections: [field('edges')] } }, { selectionSet: { selections: [field('totalCount')] } }],
      }),
    ).toBe(true);
  });

  test('is false without it, without a selection, or for a fragment spread of that name', () => {
    expect(asksTotalCount({ fieldNodes: [{ selectionSet: { selections: [field('edges'), field('pageInfo')] } }] })).toBe(false);
    expect(asksTotalCount({ fieldNodes: [{}] })).toBe(false);
    expect(asksTotalCount({ fieldNodes: [] })).toBe(false);
    expect(
      asksTotalCount({ fieldNodes: [{ selectionSet: { selections: [{ kind: 'FragmentSpread', name: { value: 'totalCount' } }] } }] }),
    ).toBe(false);
  });
});
