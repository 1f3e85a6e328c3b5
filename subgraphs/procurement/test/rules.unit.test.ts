import { encodeCursor } from '../../../lib/runtime/connections';
import { addDays, daysBetween, todayIn } from '../../../lib/kernel/dates';
import { ruleBroken } from '../../../lib/kernel/errors';
import { isUuid, requireUuid } from '../../../lib/kernel/ids';
import { optionalText, requiredText } from '../../../lib/kernel/text';
import {
  addWorkingDays,
  byPrice,
  byScore,
  calendarDate,
  checkEligibility,
  checkOpen,
  DEFAULT_TERM_MONTHS,
  GRADES,
  gradeName,
  gradeNumber,
  ineligibility,
  keyedPage,
  list,
  MAX_CODE,
  MAX_NAME,
  MAX_TEXT,
  MAX_TERM_MONTHS,
  MIN_INVITED,
  MIN_QUALIFIED_BIDS,
  OBJECTION_WORKING_DAYS,
  OPEN_TENDER_MIN_DAYS,
  positiveYuan,
  score,
  SIGN_WITHIN_DAYS,
  SUPPLEMENT_CAP_DIVISOR,
  term,
  year,
} from '../src/rules';
import { refusal } from '../../../test/support/refusal';

/** The legal rules of procurement as pure checks, one edge at a time (the end-to-end tests run them through the graph). */

const ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const badInput = (field: string, message: string) => ({ code: 'BAD_USER_INPUT', field, message });

describe('the legal constants', () => {
  test('as DOMAIN.md states them', () => {
    expect({
      OPEN_TENDER_MIN_DAYS,
      MIN_QUALIFIED_BIDS,
      MIN_INVITED,
      OBJECTION_WORKING_DAYS,
      SIGN_WITHIN_DAYS,
      SUPPLEMENT_CAP_DIVISOR,
      MAX_TERM_MONTHS,
      DEFAULT_TERM_MONTHS,
    }).toEqual({
      OPEN_TENDER_MIN_DAYS: 20,
      MIN_QUALIFIED_BIDS: 3,
      MIN_INVITED: 3,
      OBJECTION_WORKING_DAYS: 7,
      SIGN_WITHIN_DAYS: 30,
      SUPPLEMENT_CAP_DIVISOR: 10n,
      MAX_TERM_MONTHS: 36,
      DEFAULT_TERM_MONTHS: 12,
    });
  });
});

describe('ruleBroken', () => {
  test('names the field as BAD_USER_INPUT when the input breaks the rule, else CONFLICT', () => {
    expect(
      refusal(() => {
        throw ruleBroken('MIN_BIDS', 'Too few bids.', 'input.bids');
      }),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'input.bids', rule: 'MIN_BIDS', message: 'Too few bids.' });
    expect(
      refusal(() => {
        throw ruleBroken('MIN_BIDS', 'Too few bids.');
      }),
    ).toEqual({ code: 'CONFLICT', rule: 'MIN_BIDS', message: 'Too few bids.' });
  });
});

describe('ids, text and lists', () => {
  test('ids are UUIDs in any case, kept in lower case', () => {
    expect(isUuid(ID.toUpperCase())).toBe(true);
    expect(requireUuid(ID.toUpperCase(), 'input.tenderId')).toBe(ID);
    expect(refusal(() => requireUuid(`${ID}0`, 'input.tenderId'))).toEqual({
      ...badInput('input.tenderId', `"${ID}0" is not an id (a UUID).`),
      rule: 'NOT_AN_ID',
    });
  });

  test('text limits: 2000 characters for long text, 200 for names, 32 for catalogue codes', () => {
    expect({ MAX_TEXT, MAX_NAME, MAX_CODE }).toEqual({ MAX_TEXT: 2000, MAX_NAME: 200, MAX_CODE: 32 });
  });

  test('text is trimmed, not blank, without NUL, at most its limit', () => {
    const tooLong = (field: string, max: number) => ({
      ...badInput(field, `The title must be at most ${max} characters.`),
      rule: 'TEXT_TOO_LONG',
    });
    expect(requiredText(' 社区养老服务 ', 'input.title', MAX_TEXT, 'The title')).toBe('社区养老服务');
    expect(requiredText('x'.repeat(2000), 'input.title', MAX_TEXT, 'The title')).toHaveLength(2000);
    expect(refusal(() => requiredText('  ', 'input.title', MAX_TEXT, 'The title'))).toEqual({
      ...badInput('input.title', 'The title must not be empty.'),
      rule: 'REQUIRED_TEXT',
    });
    expect(refusal(() => requiredText('x'.repeat(2001), 'input.title', MAX_TEXT, 'The title'))).toEqual(tooLong('input.title', 2000));
    expect(refusal(() => requiredText('x'.repeat(201), 'input.title', MAX_NAME, 'The title'))).toEqual(tooLong('input.title', 200));
    expect(refusal(() => requiredText('a\u0000b', 'input.title', MAX_TEXT, 'The title'))).toEqual({
      ...badInput('input.title', 'The title must not contain control characters.'),
      rule: 'CONTROL_CHARACTERS',
    });
  });

  test('optional text: absent or blank is null, otherwise checked', () => {
    expect(optionalText(undefined, 'input.note', MAX_TEXT)).toBeNull();
    expect(optionalText(null, 'input.note', MAX_TEXT)).toBeNull();
    expect(optionalText(' ', 'input.note', MAX_TEXT)).toBeNull();
    expect(optionalText(' 说明 ', 'input.note', MAX_TEXT)).toBe('说明');
    expect(refusal(() => optionalText('x'.repeat(2001), 'input.note', MAX_TEXT, 'The note'))).toEqual({
      ...badInput('input.note', 'The note must be at most 2000 characters.'),
      rule: 'TEXT_TOO_LONG',
    });
  });

  test('lists: from min (0 by default) to max (50 by default) entries', () => {
    expect(list([], 'input.items')).toEqual([]);
    expect(list(Array(50).fill(1), 'input.items')).toHaveLength(50);
    expect(refusal(() => list(Array(51).fill(1), 'input.items'))).toEqual(badInput('input.items', 'input.items takes at most 50 entries.'));
    expect(list([1], 'input.items', 1, 1)).toEqual([1]);
    expect(refusal(() => list([1, 2], 'input.items', 1, 1))).toEqual(badInput('input.items', 'input.items takes at most 1 entries.'));
    expect(refusal(() => list([], 'input.items', 1))).toEqual(badInput('input.items', 'input.items needs at least 1 entry.'));
    expect(list([1, 2, 3], 'input.invited', 3)).toHaveLength(3);
    expect(refusal(() => list([1, 2], 'input.invited', 3))).toEqual(badInput('input.invited', 'input.invited needs at least 3 entries.'));
  });
});

describe('numbers and codes', () => {
  test('positive amounts in yuan', () => {
    expect(positiveYuan(' 0.01 ', 'input.budget')).toBe('0.01');
    expect(positiveYuan('1250000', 'input.budget')).toBe('1250000');
    expect(refusal(() => positiveYuan('0.00', 'input.budget'))).toEqual(badInput('input.budget', 'input.budget must be more than zero.'));
    expect(refusal(() => positiveYuan('-5', 'input.budget'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.budget' });
  });

  test('years from 2000 to 2100', () => {
    expect(year(2000, 'input.fiscalYear')).toBe(2000);
    expect(year(2100, 'input.fiscalYear')).toBe(2100);
    for (const bad of [1999, 2101, 2026.5]) {
      expect(refusal(() => year(bad, 'input.fiscalYear'))).toEqual(
        badInput('input.fiscalYear', 'input.fiscalYear must be a year from 2000 to 2100.'),
      );
    }
  });

  test('scores from 0 to 100, rounded to hundredths', () => {
    expect(score(0, 'input.score')).toBe(0);
    expect(score(100, 'input.score')).toBe(100);
    expect(score(87.456, 'input.score')).toBe(87.46);
    expect(score(87.454, 'input.score')).toBe(87.45);
    for (const bad of [-0.01, 100.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(refusal(() => score(bad, 'input.score'))).toEqual(badInput('input.score', 'input.score must be from 0 to 100.'));
    }
  });
});

describe('contract terms', () => {
  test('twelve months by default, one year without a justification', () => {
    expect(term(undefined, undefined)).toEqual({ months: 12, justification: null });
    expect(term(null, null)).toEqual({ months: 12, justification: null });
    expect(term(1, undefined)).toEqual({ months: 1, justification: null });
    expect(term(12, '  ')).toEqual({ months: 12, justification: null });
  });

  test('longer terms, up to 36 months, need a recorded justification', () => {
    expect(term(13, ' 资金已落实 ')).toEqual({ months: 13, justification: '资金已落实' });
    expect(term(36, '资金已落实')).toEqual({ months: 36, justification: '资金已落实' });
    for (const justification of [undefined, null, ' ']) {
      expect(refusal(() => term(13, justification))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'input.termJustification',
        rule: 'TERM_ONE_YEAR_UNLESS_JUSTIFIED',
        message: 'A term longer than one year needs a recorded justification (secured funding, a stable service).',
      });
    }
    expect(refusal(() => term(24, 'x'.repeat(2001)))).toEqual({
      ...badInput('input.termJustification', 'The justification must be at most 2000 characters.'),
      rule: 'TEXT_TOO_LONG',
    });
  });

  test('a term is 1 to 36 whole months', () => {
    for (const months of [0, 37, 6.5]) {
      expect(refusal(() => term(months, '资金已落实'))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'input.termMonths',
        rule: 'TERM_AT_MOST_THREE_YEARS',
        message: 'A contract term is 1 to 36 months.',
      });
    }
  });
});

describe('calendar arithmetic', () => {
  test('adding days and counting them, in UTC', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2026-06-15', 20)).toBe('2026-07-05');
    expect(daysBetween('2026-06-15', '2026-07-05')).toBe(20);
    expect(daysBetween('2026-07-05', '2026-06-15')).toBe(-20);
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetween('2026-06-15', '2026-06-15')).toBe(0);
  });

  test('working days skip Saturdays, Sundays and holidays', () => {
    const none = new Set<string>();
    // 2026-06-12 is a Friday.
    expect(addWorkingDays('2026-06-12', 1, none)).toBe('2026-06-15');
    expect(addWorkingDays('2026-06-12', 0, none)).toBe('2026-06-12');
    expect(addWorkingDays('2026-06-15', 7, none)).toBe('2026-06-24');
    expect(addWorkingDays('2026-06-13', 1, none)).toBe('2026-06-15');
    expect(addWorkingDays('2026-06-14', 1, none)).toBe('2026-06-15');
    expect(addWorkingDays('2026-06-12', 1, new Set(['2026-06-15']))).toBe('2026-06-16');
    expect(addWorkingDays('2026-06-15', 1, new Set(['2026-06-20']))).toBe('2026-06-16');
  });

  test('today in the city zone', () => {
    expect(todayIn('Asia/Shanghai', new Date('2026-06-14T17:00:00Z'))).toBe('2026-06-15');
    expect(todayIn('UTC', new Date('2026-06-14T17:00:00Z'))).toBe('2026-06-14');
  });

  test('calendar dates are real YYYY-MM-DD days from 2000 to 2100', () => {
    expect(calendarDate('2000-01-01', 'input.deadline')).toBe('2000-01-01');
    expect(calendarDate('2100-12-31', 'input.deadline')).toBe('2100-12-31');
    expect(calendarDate('2028-02-29', 'input.deadline')).toBe('2028-02-29');
    for (const bad of ['2026-02-30', '2026-6-15', '2026-06-1', '12026-06-15', '2026-06-15T00:00:00Z', 'x2026-06-15', '2026-13-01', '']) {
      expect(refusal(() => calendarDate(bad, 'input.deadline'))).toEqual(
        badInput('input.deadline', 'input.deadline is not a calendar date.'),
      );
    }
    for (const bad of ['1999-12-31', '2101-01-01']) {
      expect(refusal(() => calendarDate(bad, 'input.deadline'))).toEqual(
        badInput('input.deadline', 'input.deadline must lie between 2000 and 2100.'),
      );
    }
  });
});

describe('keyedPage', () => {
  const REFUSED = badInput('after', 'This cursor was not issued by this list.');

  test('without a cursor: the page size only', () => {
    expect(keyedPage({ first: 5 }, ['date', 'uuid'])).toEqual({ first: 5, after: undefined });
  });

  test("a cursor of this list's shape is decoded", () => {
    expect(keyedPage({ first: 5, after: encodeCursor(['2026-06-15', ID]) }, ['date', 'uuid'])).toEqual({
      first: 5,
      after: ['2026-06-15', ID],
    });
    expect(keyedPage({ after: encodeCursor(['2026-06-15T01:02:03.000Z', '2026-06-15', ID]) }, ['time', 'date', 'uuid'])).toEqual({
      first: 20,
      after: ['2026-06-15T01:02:03.000Z', '2026-06-15', ID],
    });
  });

  test('a date part must be a calendar date, not any timestamp', () => {
    for (const day of ['2026-06-15T01:02:03.000Z', '12026-06-15', '2026-6-15', '2026-06-1']) {
      expect(refusal(() => keyedPage({ after: encodeCursor(['2026-06-15T01:02:03.000Z', day, ID]) }, ['time', 'date', 'uuid']))).toEqual(
        REFUSED,
      );
    }
  });

  test("another list's cursor is refused by lib's check", () => {
    expect(refusal(() => keyedPage({ after: encodeCursor([ID, '2026-06-15']) }, ['date', 'uuid']))).toEqual(REFUSED);
    expect(refusal(() => keyedPage({ after: encodeCursor(['not a time', ID]) }, ['time', 'uuid']))).toEqual(REFUSED);
  });
});

describe('ineligibility: the one test of who may bid', () => {
  const bidder = {
    id: 'org',
    name: '府河养老服务站',
    kind: 'SOCIAL_SERVICE_AGENCY',
    status: 'ACTIVE',
    categories: ['ELDERLY_CARE'],
    currentGrade: 3,
  } as const;
  const terms = {
    method: 'OPEN',
    eligibleKinds: ['SOCIAL_SERVICE_AGENCY', 'FOUNDATION'],
    minGrade: 3,
    invitedIds: [],
    category: 'ELDERLY_CARE',
    purchaserId: 'bureau',
  } as const;
  const rule = (overrides: Record<string, unknown>, termOverrides: Record<string, unknown> = {}) =>
    ineligibility({ ...bidder, ...overrides } as never, { ...terms, ...termOverrides })?.rule ?? null;

  test('each condition excludes on its own, by its rule', () => {
    expect(rule({})).toBeNull();
    expect(rule({ status: 'ABNORMAL' })).toBe('BIDDER_ACTIVE');
    expect(rule({ kind: 'GOVERNMENT_AGENCY' }, { eligibleKinds: ['GOVERNMENT_AGENCY'] })).toBe('BIDDER_NOT_AGENCY');
    expect(rule({ id: 'bureau' })).toBe('BIDDER_NOT_PURCHASER');
    expect(rule({ kind: 'ENTERPRISE' })).toBe('BIDDER_KIND_ELIGIBLE');
    expect(rule({ currentGrade: 2 })).toBe('BIDDER_MIN_GRADE');
    expect(rule({ currentGrade: null })).toBe('BIDDER_MIN_GRADE');
    expect(rule({ currentGrade: null }, { minGrade: null })).toBeNull();
    expect(rule({ categories: ['TRAINING_AND_EMPLOYMENT'] })).toBe('BIDDER_SERVES_CATEGORY');
    expect(rule({}, { method: 'INVITED' })).toBe('BIDDER_INVITED');
    expect(rule({}, { method: 'SINGLE_SOURCE', invitedIds: ['other'] })).toBe('BIDDER_INVITED');
    expect(rule({}, { method: 'INVITED', invitedIds: ['org'] })).toBeNull();
  });

  test('the refusal names the organisation and what the tender needs', () => {
    expect(ineligibility({ ...bidder, status: 'REVOKED' } as never, terms as never)?.message).toBe(
      '府河养老服务站 is REVOKED in the registry; only active organisations may bid.',
    );
    expect(ineligibility({ ...bidder, currentGrade: 1 } as never, terms as never)?.message).toBe(
      'This tender needs a current evaluation grade of at least 3A.',
    );
  });
});

describe('checkEligibility: refusing by the rule ineligibility names', () => {
  const bidder = {
    id: 'org',
    name: '府河养老服务站',
    kind: 'SOCIAL_SERVICE_AGENCY',
    status: 'ACTIVE',
    categories: ['ELDERLY_CARE'],
    currentGrade: 3,
  } as const;
  const terms = {
    method: 'OPEN',
    eligibleKinds: ['SOCIAL_SERVICE_AGENCY'],
    minGrade: 3,
    invitedIds: [],
    category: 'ELDERLY_CARE',
    purchaserId: 'bureau',
  } as const;

  test('an eligible bidder passes', () => {
    expect(() => checkEligibility(bidder as never, terms as never)).not.toThrow();
  });

  test('an ineligible one is refused as a CONFLICT by the rule, with its message', () => {
    expect(refusal(() => checkEligibility({ ...bidder, currentGrade: 2 } as never, terms as never))).toEqual({
      code: 'CONFLICT',
      rule: 'BIDDER_MIN_GRADE',
      message: 'This tender needs a current evaluation grade of at least 3A.',
    });
    expect(refusal(() => checkEligibility({ ...bidder, id: 'bureau' } as never, terms as never))).toMatchObject({
      rule: 'BIDDER_NOT_PURCHASER',
    });
  });
});

describe('checkOpen: bids from the opening instant until, not at, the close', () => {
  const opensAt = new Date('2026-12-01T00:00:00Z');
  const closesAt = new Date('2026-12-22T09:00:00Z');
  const tender = { id: ID, status: 'ACTIVE', opensAt, closesAt } as const;
  const at = (iso: string) => () => checkOpen(tender, new Date(iso));

  test('open at the opening instant and up to the last millisecond', () => {
    expect(at('2026-12-01T00:00:00.000Z')).not.toThrow();
    expect(at('2026-12-22T08:59:59.999Z')).not.toThrow();
  });

  test('refused a millisecond before it opens', () => {
    expect(refusal(at('2026-11-30T23:59:59.999Z'))).toEqual({
      code: 'CONFLICT',
      rule: 'BEFORE_DEADLINE',
      message: `Tender ${ID} opens for bids at 2026-12-01T00:00:00.000Z.`,
    });
  });

  test('refused at the closing instant itself', () => {
    expect(refusal(at('2026-12-22T09:00:00.000Z'))).toEqual({
      code: 'CONFLICT',
      rule: 'BEFORE_DEADLINE',
      message: `Tender ${ID} closed at 2026-12-22T09:00:00.000Z.`,
    });
  });

  test('a tender no longer active takes no bids, even inside its window', () => {
    for (const status of ['CANCELLED', 'AWARDED', 'UNSUCCESSFUL']) {
      expect(refusal(() => checkOpen({ ...tender, status } as never, new Date('2026-12-10T00:00:00Z')))).toEqual({
        code: 'CONFLICT',
        rule: 'TENDER_ACTIVE',
        message: `Tender ${ID} is ${status}.`,
      });
    }
  });
});

describe('ranking bids for the award', () => {
  const bid = (id: string, price: string, score: string | null, at: string) => ({ id, price, score, submittedAt: new Date(at) });
  const ranked = (bids: ReturnType<typeof bid>[], order: typeof byPrice) => [...bids].sort(order).map((b) => b.id);

  test('byPrice: the lowest price first, compared in fen rather than as text', () => {
    const bids = [
      bid('a', '90000.00', null, '2026-12-01T10:00:00Z'),
      bid('b', '100000.00', null, '2026-12-01T09:00:00Z'),
      bid('c', '89999.99', null, '2026-12-01T11:00:00Z'),
    ];
    expect(ranked(bids, byPrice)).toEqual(['c', 'a', 'b']);
  });

  test('byPrice: at the same price the earlier bid wins', () => {
    const bids = [bid('late', '500000.00', null, '2026-12-01T10:00:00.001Z'), bid('early', '500000.00', null, '2026-12-01T10:00:00Z')];
    expect(ranked(bids, byPrice)).toEqual(['early', 'late']);
    expect(byPrice(bids[0]!, bids[0]!)).toBe(0);
  });

  test('byScore: the highest score first, whatever the price', () => {
    const bids = [
      bid('cheap', '400000.00', '80.50', '2026-12-01T09:00:00Z'),
      bid('best', '700000.00', '92.00', '2026-12-01T10:00:00Z'),
      bid('mid', '500000.00', '85.00', '2026-12-01T08:00:00Z'),
    ];
    expect(ranked(bids, byScore)).toEqual(['best', 'mid', 'cheap']);
  });

  test('byScore: at the same score, the lower price, then the earlier bid', () => {
    const bids = [
      bid('dear', '600000.00', '90.00', '2026-12-01T08:00:00Z'),
      bid('cheap-late', '550000.00', '90.00', '2026-12-01T10:00:00Z'),
      bid('cheap-early', '550000.00', '90.00', '2026-12-01T09:00:00Z'),
    ];
    expect(ranked(bids, byScore)).toEqual(['cheap-early', 'cheap-late', 'dear']);
  });
});

describe('evaluation grades: one table', () => {
  test('1A to 5A, numbered in order', () => {
    expect(GRADES).toEqual(['GRADE_1A', 'GRADE_2A', 'GRADE_3A', 'GRADE_4A', 'GRADE_5A']);
    expect(GRADES.map(gradeNumber)).toEqual([1, 2, 3, 4, 5]);
    expect([1, 2, 3, 4, 5].map(gradeName)).toEqual(GRADES);
  });

  test('no grade outside 1 to 5', () => {
    expect(() => gradeName(0)).toThrow('No evaluation grade 0.');
    expect(() => gradeName(6)).toThrow('No evaluation grade 6.');
  });
});
