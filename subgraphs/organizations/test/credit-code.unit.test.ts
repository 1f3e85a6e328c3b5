import { Kind, type GraphQLError } from 'graphql';
import { checkCharacter, validateCreditCode, withCheckCharacter } from '../../../lib/kernel/credit-code';
import { checkCreditCode } from '../src/rules';
import { CreditCode } from '../src/scalars';

/** GB 32100-2015 credit codes: the sample codes of DOMAIN.md, the character set, the kind rules. */

describe('validateCreditCode', () => {
  test.each(['53100000500019795A', '51310110501144395U'])('accepts the valid sample %s', (code) => {
    expect(validateCreditCode(code)).toEqual({ ok: true });
  });

  test.each([
    ['53440300MJL0167883', '53440300MJL016788'],
    ['52110101MJ0018899X', '52110101MJ0018899'],
  ])('rejects %s and names the expected check character', (code, first17) => {
    const expected = checkCharacter(first17);
    expect(expected).not.toBe(code[17]);
    const result = validateCreditCode(code);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(`should be ${expected}`), expectedCheck: expected });
    // The corrected code passes.
    expect(validateCreditCode(first17 + expected)).toEqual({ ok: true });
  });

  test.each(['53100000500019795', '53100000500019795A0'])(
    'rejects the wrong length %p, naming the check character its first 17 call for',
    (code) => {
      expect(validateCreditCode(code)).toEqual({ ok: false, reason: expect.stringMatching(/expected 18 characters/), expectedCheck: 'A' });
    },
  );

  test.each(['5310000050001979', ''])('rejects the wrong length %p, with no check character to name', (code) => {
    expect(validateCreditCode(code)).toEqual({ ok: false, reason: expect.stringMatching(/expected 18 characters/) });
  });

  test('a check character outside the set is refused, naming the right one', () => {
    expect(validateCreditCode('53100000500019795I')).toEqual({
      ok: false,
      reason: expect.stringContaining('"I" is not one of'),
      expectedCheck: 'A',
    });
  });

  test.each(['I', 'O', 'S', 'V', 'Z', 'a', '-'])('rejects the character %s, outside the set', (char) => {
    const code = `5310000050001979${char}A`;
    expect(validateCreditCode(code)).toEqual({ ok: false, reason: expect.stringContaining(`"${char}" is not one of`) });
  });

  test('withCheckCharacter completes 17 characters into a valid code, and refuses anything else', () => {
    expect(withCheckCharacter('53100000500019795')).toBe('53100000500019795A');
    expect(withCheckCharacter('51310110501144395')).toBe('51310110501144395U');
    expect(() => withCheckCharacter('5310000050001979')).toThrow(/17 characters/);
    expect(() => withCheckCharacter('5310000050001979O')).toThrow(/not one of/);
  });

  test('a check character of value 0 is written 0 ((31 − 0) mod 31)', () => {
    // Find a 17-character body whose weighted sum is a multiple of 31 by varying the last character.
    const bodies = Array.from('0123456789ABCDEFGHJKLMNPQRTUWXY').map((c) => `9151010400000000${c}`);
    const zero = bodies.find((body) => checkCharacter(body) === '0');
    expect(zero).toBeDefined();
    expect(validateCreditCode(`${zero}0`)).toEqual({ ok: true });
  });
});

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a failure');
};

describe('checkCreditCode (kind consistency)', () => {
  test('a wrong check character is BAD_USER_INPUT on input.creditCode naming the expected character', () => {
    const error = failure(() => checkCreditCode('53440300MJL0167883', 'FOUNDATION'));
    const expected = checkCharacter('53440300MJL016788');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode', expectedCheckCharacter: expected });
    expect(error.message).toContain(`expected ${expected}`);
  });

  test.each([
    ['SOCIAL_ASSOCIATION', '51'],
    ['SOCIAL_SERVICE_AGENCY', '52'],
    ['FOUNDATION', '53'],
    ['ENTERPRISE', '91'],
    ['PUBLIC_INSTITUTION', '12'],
    ['GOVERNMENT_AGENCY', '11'],
  ] as const)('a %s needs a code starting %s', (kind, prefix) => {
    const own = withCheckCharacter(`${prefix}510104MJ0000001`);
    expect(checkCreditCode(own, kind)).toBe(own);
    const other = withCheckCharacter(`${prefix === '91' ? '52' : '91'}510104MJ0000001`);
    expect(failure(() => checkCreditCode(other, kind)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
    expect(failure(() => checkCreditCode(null, kind)).message).toMatch(/needs its Unified Social Credit Code/);
  });

  test('a malformed code is refused with the shape problem, and no expected check character', () => {
    const error = failure(() => checkCreditCode('5310000050001979', 'FOUNDATION'));
    expect(error.message).toBe('Credit code 5310000050001979 is invalid: expected 18 characters, got 16.');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
  });

  test("a code of another kind's prefix says which prefix the kind needs", () => {
    const code = withCheckCharacter('91510104MJ0000001');
    expect(failure(() => checkCreditCode(code, 'FOUNDATION')).message).toBe(
      `A FOUNDATION's credit code starts with 53; ${code} starts with 91.`,
    );
  });

  test('59 (other civil-affairs) is not accepted for the civil-affairs kinds', () => {
    const code = withCheckCharacter('59510104MJ0000001');
    for (const kind of ['SOCIAL_ASSOCIATION', 'SOCIAL_SERVICE_AGENCY', 'FOUNDATION'] as const) {
      expect(failure(() => checkCreditCode(code, kind)).extensions?.field).toBe('input.creditCode');
    }
  });

  test('a filed community-level organisation has no code, and giving one is refused', () => {
    expect(checkCreditCode(null, 'COMMUNITY_FILED')).toBeNull();
    expect(checkCreditCode(undefined, 'COMMUNITY_FILED')).toBeNull();
    expect(failure(() => checkCreditCode('53100000500019795A', 'COMMUNITY_FILED')).message).toMatch(/COMMUNITY_FILED/);
  });
});

describe('the CreditCode scalar', () => {
  const refusal = (run: () => unknown) => failure(run);

  test('runs the whole check on input: a wrong check character is refused, naming the expected one', () => {
    expect(CreditCode.parseValue('53100000500019795A')).toBe('53100000500019795A');
    const wrong = refusal(() => CreditCode.parseValue('53440300MJL0167883'));
    expect(wrong.message).toBe(
      `Credit code 53440300MJL0167883 has the wrong check character: expected ${checkCharacter('53440300MJL016788')}, not 3.`,
    );
    expect(wrong.extensions).toEqual({ expectedCheckCharacter: checkCharacter('53440300MJL016788') });
    expect(refusal(() => CreditCode.parseValue('53100000500019795')).message).toBe(
      'Credit code 53100000500019795 is invalid: expected 18 characters, got 17; its first 17 characters call for the check character A.',
    );
    expect(refusal(() => CreditCode.parseValue('5310000050001979IA')).extensions).toEqual({});
    expect(() => CreditCode.parseValue('5310000050001979IA')).toThrow(/"I" is not one of/);
    expect(() => CreditCode.parseValue(531000005000197950)).toThrow(/must be a string/);
  });

  test('a literal keeps its node and the expected check character', () => {
    const error = refusal(() => CreditCode.parseLiteral({ kind: Kind.STRING, value: '53440300MJL0167883' }, undefined));
    expect(error.nodes).toHaveLength(1);
    expect(error.extensions).toEqual({ expectedCheckCharacter: checkCharacter('53440300MJL016788') });
    expect(() => CreditCode.parseLiteral({ kind: Kind.INT, value: '5' }, undefined)).toThrow(/must be a string/);
  });
});

describe('checkCreditCode (region against the registration area)', () => {
  const district = '510108000000';
  const codeIn = (prefix: string, region: string) => withCheckCharacter(`${prefix}${region}MJ7654321`);

  test.each([
    ['SOCIAL_ASSOCIATION', '51'],
    ['SOCIAL_SERVICE_AGENCY', '52'],
    ['FOUNDATION', '53'],
  ] as const)('a %s registered in 510108 must carry region 510108', (kind, prefix) => {
    expect(checkCreditCode(codeIn(prefix, '510108'), kind, district)).toBe(codeIn(prefix, '510108'));
    const error = failure(() => checkCreditCode(codeIn(prefix, '110108'), kind, district));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
    expect(error.message).toMatch(/region 110108.*area is 510108/);
  });

  test('a city-registered organisation carries the city region', () => {
    expect(checkCreditCode(codeIn('52', '510100'), 'SOCIAL_SERVICE_AGENCY', '510100000000')).toBeTruthy();
    expect(() => checkCreditCode(codeIn('52', '510108'), 'SOCIAL_SERVICE_AGENCY', '510100000000')).toThrow(/region 510108/);
  });

  test("the Ministry's own region 100000 (a national foundation) is accepted in any area", () => {
    expect(checkCreditCode(codeIn('53', '100000'), 'FOUNDATION', district)).toBe(codeIn('53', '100000'));
  });

  test('the refusal names both regions exactly', () => {
    expect(failure(() => checkCreditCode(codeIn('51', '510107'), 'SOCIAL_ASSOCIATION', district)).message).toBe(
      `Credit code ${codeIn('51', '510107')} was issued in region 510107, but the registration authority's area is 510108.`,
    );
  });

  test('kinds registered elsewhere (enterprises, public institutions, agencies) are not held to it', () => {
    expect(checkCreditCode(codeIn('91', '110108'), 'ENTERPRISE', district)).toBeTruthy();
  });
});
