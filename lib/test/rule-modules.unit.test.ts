import { levelOfCode, parentLevel, prefixLength, isAreaCode, covers } from '../kernel/auth/jurisdiction';
import {
  ANONYMOUS,
  hasRole,
  OFFICER_ROLES,
  ORGANIZATION_ROLES,
  requireRole,
  requireSignedIn,
  ROLES,
  type SignedInViewer,
} from '../kernel/auth/viewer';
import { badInput, conflict, forbidden, invalidTransition, notFound, rejectedToken, unauthenticated } from '../kernel/errors';
import { formatError } from '../edge/error-masking';
import { decodeCursor, DEFAULT_PAGE_SIZE, readPage } from '../runtime/connections';
import { fromFen, parseYuan, toFen } from '../kernel/money';
import { defineWorkflow, requireText } from '../kernel/workflow';
import { refusal } from '../../test/support/refusal';

/** The shared rule modules, edge by edge, so that mutation testing finds each rule asserted. */

const signedIn = (roles: SignedInViewer['roles'], area = '510108000000'): SignedInViewer => ({
  anonymous: false,
  id: 'u',
  name: 'U',
  roles,
  area,
  org: undefined,
});

describe('jurisdiction', () => {
  test('levels, prefixes and the rung above', () => {
    expect(['PROVINCE', 'CITY', 'DISTRICT', 'STREET', 'COMMUNITY'].map((level) => prefixLength(level as never))).toEqual([2, 4, 6, 9, 12]);
    expect(['PROVINCE', 'CITY', 'DISTRICT', 'STREET', 'COMMUNITY'].map((level) => parentLevel(level as never))).toEqual([
      undefined,
      'PROVINCE',
      'CITY',
      'DISTRICT',
      'STREET',
    ]);
    expect(levelOfCode('510000000001')).toBe('COMMUNITY');
    expect(levelOfCode('510000001000')).toBe('STREET');
    expect(levelOfCode('510001000000')).toBe('DISTRICT');
    expect(levelOfCode('510100000000')).toBe('CITY');
  });

  test('a code is 12 digits and not in the 00 province', () => {
    expect(isAreaCode('510108001001')).toBe(true);
    expect(isAreaCode('001080010010')).toBe(false);
    expect(isAreaCode(' 510108001001')).toBe(false);
    expect(isAreaCode('5101080010010')).toBe(false);
    expect(covers('510000000000', '510108001001')).toBe(true);
    expect(covers('510108001001', '510108001001')).toBe(true);
    expect(covers('510108001001', '510108001002')).toBe(false);
  });
});

describe('viewer', () => {
  test('the role vocabulary and its groups', () => {
    expect(ROLES).toHaveLength(11);
    expect(ORGANIZATION_ROLES).toEqual(['DEVELOPER', 'UNIT_ADMIN', 'ORG_ADMIN', 'EVALUATOR']);
    expect(OFFICER_ROLES).toEqual(['COMMUNITY_WORKER', 'STREET_OFFICER', 'DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN']);
  });

  test('hasRole needs one of the roles and a signed-in caller', () => {
    expect(hasRole(signedIn(['RESIDENT', 'CITY_ADMIN']), ['CITY_ADMIN'])).toBe(true);
    expect(hasRole(signedIn(['RESIDENT']), ['CITY_ADMIN', 'STREET_OFFICER'])).toBe(false);
    expect(hasRole(ANONYMOUS, ['RESIDENT'])).toBe(false);
  });

  test('requireSignedIn and requireRole refuse with the right code and say which roles', () => {
    expect(refusal(() => requireSignedIn(ANONYMOUS))).toEqual({ message: 'Sign in to see this.', code: 'UNAUTHENTICATED' });
    const resident = signedIn(['RESIDENT']);
    expect(requireSignedIn(resident)).toBe(resident);
    expect(refusal(() => requireRole(resident, ['CITY_ADMIN', 'STREET_OFFICER'], 'Updating'))).toEqual({
      message: 'Updating needs one of the roles CITY_ADMIN, STREET_OFFICER.',
      code: 'FORBIDDEN',
    });
    expect(refusal(() => requireRole(ANONYMOUS, ['CITY_ADMIN'], 'Updating')).code).toBe('UNAUTHENTICATED');
    const admin = signedIn(['CITY_ADMIN']);
    expect(requireRole(admin, ['CITY_ADMIN'], 'Updating')).toBe(admin);
  });
});

describe('errors', () => {
  test.each([
    [unauthenticated(), { code: 'UNAUTHENTICATED' }, 'Sign in to see this.'],
    [unauthenticated('Who?'), { code: 'UNAUTHENTICATED' }, 'Who?'],
    [rejectedToken('Bad.'), { code: 'UNAUTHENTICATED', http: { status: 401 } }, 'Bad.'],
    [forbidden('No.'), { code: 'FORBIDDEN' }, 'No.'],
    [badInput('input.x', 'Wrong.', { extra: 1 }), { code: 'BAD_USER_INPUT', field: 'input.x', extra: 1 }, 'Wrong.'],
    [badInput('input.x', 'Wrong.'), { code: 'BAD_USER_INPUT', field: 'input.x' }, 'Wrong.'],
    [notFound('Gone.'), { code: 'NOT_FOUND' }, 'Gone.'],
    [conflict('Clash.', { currentVersion: 3 }), { code: 'CONFLICT', currentVersion: 3 }, 'Clash.'],
    [conflict('Clash.'), { code: 'CONFLICT' }, 'Clash.'],
    [invalidTransition('A', 'B', 'Nope.'), { code: 'INVALID_TRANSITION', from: 'A', to: 'B' }, 'Nope.'],
  ])('%s carries exactly its extensions', (error, extensions, message) => {
    expect(error.extensions).toEqual(extensions);
    expect(error.message).toBe(message);
  });

  test.each([
    'UNAUTHENTICATED',
    'FORBIDDEN',
    'BAD_USER_INPUT',
    'NOT_FOUND',
    'CONFLICT',
    'INVALID_TRANSITION',
    'GRAPHQL_PARSE_FAILED',
    'GRAPHQL_VALIDATION_FAILED',
    'PERSISTED_QUERY_NOT_FOUND',
    'PERSISTED_QUERY_NOT_SUPPORTED',
    'OPERATION_RESOLUTION_FAILURE',
    'BAD_REQUEST',
    'QUERY_TOO_DEEP',
    'QUERY_TOO_COSTLY',
    'SERVICE_UNAVAILABLE',
  ])('%s reaches the client with its message; its stack and exception do not', (code) => {
    const formatted = formatError({
      message: 'Said so.',
      path: ['a'],
      extensions: { code, stacktrace: ['at x'], exception: { y: 1 }, detail: 2 },
    });
    expect(formatted).toEqual({ message: 'Said so.', path: ['a'], extensions: { code, detail: 2 } });
  });

  test('an error without a code, or with an unknown one, is masked with its location kept', () => {
    const masked = {
      message: 'Internal server error. Quote the request id when reporting it.',
      locations: [{ line: 1, column: 2 }],
      path: ['a'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
    expect(formatError({ message: 'secret', locations: [{ line: 1, column: 2 }], path: ['a'] })).toEqual(masked);
    expect(
      formatError({ message: 'secret', locations: [{ line: 1, column: 2 }], path: ['a'], extensions: { code: 'DOWNSTREAM' } }),
    ).toEqual(masked);
    expect(formatError({ message: 'secret', locations: [{ line: 1, column: 2 }], path: ['a'], extensions: { code: 7 } })).toEqual(masked);
  });

  test('a rejected variable names the variable, or the field inside it; a given field is kept', () => {
    const variable = (message: string, extensions: Record<string, unknown> = {}) =>
      formatError({ message, extensions: { code: 'BAD_USER_INPUT', ...extensions } }).extensions?.field;
    expect(variable('Variable "$code" got invalid value "x"; AreaCode must be 12 digits.')).toBe('code');
    expect(variable('Variable "$input" got invalid value 1 at "input.code"; Expected 12 digits.')).toBe('input.code');
    expect(variable('Variable "$input" got invalid value {"a":\n1} at "input.a"; Expected.')).toBe('input.a');
    expect(variable('Variable "$input" got invalid value 1 at "input.code"; Expected.', { field: 'given' })).toBe('given');
    expect(variable('Something else; at "input.code"')).toBeUndefined();
    expect(variable('Variable "$input" got invalid value 1 at "input.code"')).toBeUndefined();
  });
});

describe('pages', () => {
  test('first defaults to the default page size and may be 0 or 100', () => {
    expect(readPage({}, ['text'])).toEqual({ first: DEFAULT_PAGE_SIZE, after: undefined });
    expect(DEFAULT_PAGE_SIZE).toBe(20);
    expect(readPage({ first: 0 }, ['text']).first).toBe(0);
    expect(readPage({ first: 100 }, ['text']).first).toBe(100);
    expect(refusal(() => readPage({ first: 2.5 }, ['text']))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(refusal(() => readPage({ first: 101 }, ['text'], 'children.'))).toEqual({
      message: 'first must be between 0 and 100.',
      code: 'BAD_USER_INPUT',
      field: 'children.first',
    });
    expect(refusal(() => readPage({ after: 'x' }, ['text'], 'children.'))).toMatchObject({ field: 'children.after' });
  });

  test('cursors hold strings and numbers only, behind the c1 version mark', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(decodeCursor(encode(['c1', 'a', 2]))).toEqual(['a', 2]);
    expect(decodeCursor(encode(['c1']))).toEqual([]);
    for (const forged of [
      encode(['c2', 'a']),
      encode(['c1', { a: 1 }]),
      encode(['c1', null]),
      encode({ 0: 'c1' }),
      encode('c1'),
      'not base64 json',
    ]) {
      expect(refusal(() => decodeCursor(forged, 'page.after'))).toEqual({
        message: 'This cursor was not issued by this list.',
        code: 'BAD_USER_INPUT',
        field: 'page.after',
      });
    }
  });
});

describe('money', () => {
  test('parseYuan keeps the trimmed amount and names the field with the rule', () => {
    expect(parseYuan('0', 'f')).toBe('0');
    expect(parseYuan('12345678901234.99', 'f')).toBe('12345678901234.99');
    expect(refusal(() => parseYuan('1.', 'input.total'))).toEqual({
      message: 'Amounts are decimal yuan, zero or more, with at most 14 integer digits and 2 decimals (e.g. 1250000.00).',
      code: 'BAD_USER_INPUT',
      field: 'input.total',
    });
    for (const bad of ['x1', '1x', '.5', '1.5.5']) expect(() => parseYuan(bad, 'f')).toThrow();
  });

  test('parseYuan trims the amount it keeps', () => {
    expect(parseYuan(' 12.50\t', 'f')).toBe('12.50');
  });

  test('parseYuan takes at most 14 integer digits', () => {
    expect(parseYuan('99999999999999', 'f')).toBe('99999999999999');
    expect(() => parseYuan('100000000000000', 'f')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ field: 'f' }) }),
    );
  });

  test('parseYuan takes one or two decimals after a point, nothing else', () => {
    expect(parseYuan('1.5', 'f')).toBe('1.5');
    for (const bad of ['1.505', '1x5', '1,50'])
      expect(() => parseYuan(bad, 'f')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'f' }) }));
  });

  test('fen conversion is exact both ways, with signs and short fractions', () => {
    expect(toFen('12')).toBe(1200n);
    expect(toFen('12.3')).toBe(1230n);
    expect(toFen('12.34')).toBe(1234n);
    expect(toFen('12.345')).toBe(1234n);
    expect(toFen('-12.3')).toBe(-1230n);
    expect(toFen('0.05')).toBe(5n);
    expect(fromFen(0n)).toBe('0.00');
    expect(fromFen(5n)).toBe('0.05');
    expect(fromFen(100n)).toBe('1.00');
    expect(fromFen(-5n)).toBe('-0.05');
    expect(fromFen(123456n)).toBe('1234.56');
  });
});

describe('workflow', () => {
  type State = 'DRAFT' | 'OPEN' | 'CLOSED';
  const flow = defineWorkflow<State, { note?: string | null }>('A notice', [
    { from: 'DRAFT', to: 'OPEN', roles: ['PROCUREMENT_OFFICER'], requires: (input) => requireText('input.note', 'A note')(input.note) },
    { from: 'OPEN', to: 'CLOSED', roles: ['PROCUREMENT_OFFICER', 'CITY_ADMIN'] },
  ]);
  const officer = signedIn(['PROCUREMENT_OFFICER']);

  test('next lists the steps out of a state; check returns the transition taken', () => {
    expect(flow.name).toBe('A notice');
    expect(flow.next('DRAFT')).toEqual(['OPEN']);
    expect(flow.next('CLOSED')).toEqual([]);
    expect(flow.check(officer, 'DRAFT', 'OPEN', { note: '发布' })).toBe(flow.transitions[0]);
    expect(flow.check(signedIn(['CITY_ADMIN']), 'OPEN', 'CLOSED', {})).toBe(flow.transitions[1]);
  });

  test('refusals in order: no such step, anonymous, wrong role, unmet requirement', () => {
    expect(refusal(() => flow.check(ANONYMOUS, 'DRAFT', 'CLOSED', {}))).toEqual({
      message: 'A notice cannot go from DRAFT to CLOSED; from DRAFT it can go to OPEN.',
      code: 'INVALID_TRANSITION',
      from: 'DRAFT',
      to: 'CLOSED',
    });
    expect(refusal(() => flow.check(officer, 'CLOSED', 'OPEN', {})).message).toBe(
      'A notice cannot go from CLOSED to OPEN; from CLOSED it can go to nothing (final).',
    );
    expect(refusal(() => flow.check(ANONYMOUS, 'DRAFT', 'OPEN', {}))).toEqual({
      message: 'A notice: DRAFT → OPEN needs a signed-in caller.',
      code: 'UNAUTHENTICATED',
    });
    expect(refusal(() => flow.check(signedIn(['CITY_ADMIN']), 'DRAFT', 'OPEN', { note: 'x' }))).toEqual({
      message: 'A notice: DRAFT → OPEN is for PROCUREMENT_OFFICER.',
      code: 'FORBIDDEN',
    });
    expect(refusal(() => flow.check(signedIn(['RESIDENT']), 'OPEN', 'CLOSED', {})).message).toBe(
      'A notice: OPEN → CLOSED is for PROCUREMENT_OFFICER, CITY_ADMIN.',
    );
    for (const note of [undefined, null, '', '  ']) {
      expect(refusal(() => flow.check(officer, 'DRAFT', 'OPEN', { note }))).toEqual({
        message: 'A note is required for this step.',
        code: 'BAD_USER_INPUT',
        field: 'input.note',
      });
    }
  });
});
