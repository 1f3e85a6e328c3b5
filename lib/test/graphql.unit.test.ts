import { buildSchema, parse } from 'graphql';
import { fieldPrices } from '../edge/cost';
import { decodeCursor, encodeCursor, readPage, toConnection } from '../runtime/connections';
import { formatError } from '../edge/error-masking';
import { operationCost } from '../edge/limits';
import { AreaCode, CalendarDate, PhoneNumber } from '../kernel/scalars';
import { fromFen, money, parseYuan, toFen } from '../kernel/money';

const sdl = `
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Query {
    list(first: Int): ThingConnection @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)
    one: Thing
    things(first: Int = 100): [Thing] @listSize(slicingArguments: ["first"])
  }
  type ThingConnection { edges: [ThingEdge] }
  type ThingEdge { node: Thing }
  type Thing { id: ID name: String child: Thing }
`;
const schema = buildSchema(sdl);
const prices = fieldPrices(sdl);

function cost(source: string, variables: Record<string, unknown> = {}) {
  return operationCost(schema, parse(source), variables, { maxFields: 1000, prices });
}

describe('operation cost', () => {
  test('cost multiplies what lies under a list by the rows asked for', () => {
    expect(cost('{ list(first: 10) { edges { node { id } } } }')).toBe(1 + 10 * 3);
    expect(cost('query ($n: Int) { list(first: $n) { edges { node { id } } } }', { n: 50 })).toBe(1 + 50 * 3);
    // A connection without `first` is priced at the default page size of 20; a plain field at 1.
    expect(cost('{ list { edges { node { id } } } }')).toBe(1 + 20 * 3);
    expect(cost('{ one { id } }')).toBe(2);
  });

  test('__typename and aliases cost like any field', () => {
    expect(cost('{ one { __typename } }')).toBe(2);
    expect(cost('{ one { a: __typename b: __typename c: id } }')).toBe(4);
    expect(cost('{ list(first: 100) { edges { node { t0: __typename t1: __typename } } } }')).toBe(1 + 100 * (1 + 1 + 2));
  });

  test("a variable's default value is priced as the executor will use it", () => {
    expect(cost('query ($n: Int = 100) { list(first: $n) { edges { node { id } } } }')).toBe(1 + 100 * 3);
    expect(cost('query ($n: Int = 100) { list(first: $n) { edges { node { id } } } }', { n: 5 })).toBe(1 + 5 * 3);
    // An argument's own schema default counts as well.
    expect(cost('{ things { id } }')).toBe(1 + 100);
  });

  test('first above the page limit is priced at the limit (the list refuses it as input)', () => {
    expect(cost('{ list(first: 1000000) { edges { node { id } } } }')).toBe(1 + 100 * 3);
  });

  test('fragments are followed; a fragment cycle does not loop', () => {
    expect(cost('{ one { ...F } } fragment F on Thing { child { id } }')).toBe(1 + 1 + 1);
    expect(() => cost('{ one { ...F } } fragment F on Thing { child { ...F } }')).not.toThrow();
  });

  test('the field count is bounded, fragments expanded', () => {
    const wide = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: one { id }`).join(' ')} }`;
    expect(() => operationCost(schema, parse(wide), {}, { maxFields: 50, prices })).toThrow(/maximum allowed number of nodes/);
  });
});

describe('connections', () => {
  test('cursors round-trip and are opaque', () => {
    const cursor = encodeCursor(['510108001001']);
    expect(cursor).not.toContain('510108001001');
    expect(decodeCursor(cursor)).toEqual(['510108001001']);
  });

  test('a foreign cursor or an out-of-range page is BAD_USER_INPUT naming the argument', () => {
    expect(() => decodeCursor(Buffer.from('["x"]').toString('base64url'))).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }),
    );
    expect(() => readPage({ first: 101 }, ['text'])).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } }),
    );
    expect(() => readPage({ first: -1 }, ['text'])).toThrow(/between 0 and 100/);
  });

  test("a cursor that decodes but is not of this list's key shape is refused on after", () => {
    const refused = expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    // ["c1"]: a valid envelope with no key at all (the probe's WyJjMSJd).
    expect(() => readPage({ after: 'WyJjMSJd' }, ['text', 'uuid'])).toThrow(refused);
    expect(() => readPage({ after: encodeCursor(['name', 'not-a-uuid']) }, ['text', 'uuid'])).toThrow(refused);
    expect(() => readPage({ after: encodeCursor(['510108001001']) }, ['text', 'uuid'])).toThrow(refused);
    expect(() => readPage({ after: encodeCursor([5]) }, ['areaCode'])).toThrow(refused);
    expect(() => readPage({ after: encodeCursor(['5101080010']) }, ['areaCode'])).toThrow(refused);
    expect(() => readPage({ after: encodeCursor(['a\u0000']) }, ['text'])).toThrow(refused);
    expect(() => readPage({ after: encodeCursor([1.5]) }, ['int'])).toThrow(refused);
    expect(() => readPage({ after: encodeCursor(['yesterday']) }, ['timestamp'])).toThrow(refused);
    const id = '0b6f3c1e-1c1a-4d6f-9a53-3c1f4b2a9d10';
    expect(readPage({ after: encodeCursor(['和平', id]) }, ['text', 'uuid']).after).toEqual(['和平', id]);
    expect(readPage({ after: encodeCursor([7, '2026-11-25T10:00:00Z']) }, ['int', 'timestamp']).after).toEqual([7, '2026-11-25T10:00:00Z']);
  });

  describe('each kind of key holds exactly its values', () => {
    const refused = expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    const read = (key: string | number, kind: 'text' | 'uuid' | 'areaCode' | 'timestamp') => () =>
      readPage({ after: encodeCursor([key]) }, [kind]).after;
    const id = '0b6f3c1e-1c1a-4d6f-9a53-3c1f4b2a9d10';

    test('a text key is at most 1000 characters', () => {
      expect(read('x'.repeat(1000), 'text')()).toEqual(['x'.repeat(1000)]);
      expect(read('x'.repeat(1001), 'text')).toThrow(refused);
    });

    test('a uuid key is a whole uuid, nothing before or after it', () => {
      expect(read(id.toUpperCase(), 'uuid')()).toEqual([id.toUpperCase()]);
      expect(read(`x${id}`, 'uuid')).toThrow(refused);
      expect(read(`${id}x`, 'uuid')).toThrow(refused);
    });

    test('an area-code key is exactly 12 digits', () => {
      expect(read('510108001001', 'areaCode')()).toEqual(['510108001001']);
      expect(read('0510108001001', 'areaCode')).toThrow(refused);
      expect(read('5101080010010', 'areaCode')).toThrow(refused);
    });

    test('a timestamp key is a date string, not a number that Date.parse would take', () => {
      expect(read('2026-11-25T10:00:00Z', 'timestamp')()).toEqual(['2026-11-25T10:00:00Z']);
      expect(read(2026, 'timestamp')).toThrow(refused);
    });
  });

  test("a cursor with more keys than the list sorts by is refused, saying it is not this list's", () => {
    const id = '0b6f3c1e-1c1a-4d6f-9a53-3c1f4b2a9d10';
    expect(() => readPage({ after: encodeCursor(['和平', id, 'extra']) }, ['text', 'uuid'])).toThrow(
      'This cursor was not issued by this list.',
    );
  });

  test('the end cursor is the last edge of the page, whatever its length', () => {
    const page = readPage({ first: 3 }, ['text']);
    expect(
      toConnection(
        ['a', 'b', 'c', 'd'],
        page,
        (row) => [row],
        async () => 4,
      ).pageInfo.endCursor,
    ).toBe(encodeCursor(['c']));
  });

  test('one extra row tells whether there is a next page', async () => {
    const page = readPage({ first: 2 }, ['text']);
    const connection = toConnection(
      ['a', 'b', 'c'],
      page,
      (row) => [row],
      async () => 3,
    );
    expect(connection.edges.map((e) => e.node)).toEqual(['a', 'b']);
    expect(connection.pageInfo).toEqual({
      hasPreviousPage: false,
      hasNextPage: true,
      startCursor: encodeCursor(['a']),
      endCursor: encodeCursor(['b']),
    });
    expect(await connection.totalCount()).toBe(3);
    expect(
      toConnection(
        ['a'],
        page,
        (row) => [row],
        async () => 1,
      ).pageInfo.hasNextPage,
    ).toBe(false);
  });

  test('a page read after a cursor has a previous page; the first page has none', () => {
    const first = readPage({ first: 2 }, ['text']);
    expect(
      toConnection(
        ['a', 'b', 'c'],
        first,
        (row) => [row],
        async () => 3,
      ).pageInfo.hasPreviousPage,
    ).toBe(false);
    const second = readPage({ first: 2, after: encodeCursor(['b']) }, ['text']);
    const connection = toConnection(
      ['c'],
      second,
      (row) => [row],
      async () => 3,
    );
    expect(connection.pageInfo).toEqual({
      hasPreviousPage: true,
      hasNextPage: false,
      startCursor: encodeCursor(['c']),
      endCursor: encodeCursor(['c']),
    });
    // An empty string is no cursor: the list is read from its start.
    expect(
      toConnection(
        ['a'],
        readPage({ first: 2, after: '' }, ['text']),
        (row) => [row],
        async () => 1,
      ).pageInfo.hasPreviousPage,
    ).toBe(false);
  });

  test('an empty page has no start or end cursor, even after a cursor', () => {
    const page = readPage({ first: 2, after: encodeCursor(['z']) }, ['text']);
    expect(
      toConnection(
        [],
        page,
        (row: string) => [row],
        async () => 3,
      ).pageInfo,
    ).toEqual({
      hasPreviousPage: true,
      hasNextPage: false,
      startCursor: null,
      endCursor: null,
    });
    expect(
      toConnection(
        ['a'],
        readPage({ first: 0 }, ['text']),
        (row) => [row],
        async () => 1,
      ).pageInfo,
    ).toEqual({
      hasPreviousPage: false,
      hasNextPage: true,
      startCursor: null,
      endCursor: null,
    });
  });
});

describe('error formatting', () => {
  test("graphql-js's variable error limit is bad input, not an internal error", () => {
    const formatted = formatError({ message: 'Too many errors processing variables, error limit reached. Execution aborted.' });
    expect(formatted.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables' });
  });

  test('domain errors pass with their code; stack traces never do', () => {
    const formatted = formatError({ message: 'No.', extensions: { code: 'FORBIDDEN', stacktrace: ['at x'] } });
    expect(formatted).toEqual({ message: 'No.', extensions: { code: 'FORBIDDEN' } });
  });

  test('a rejected variable names the field it was found at', () => {
    const formatted = formatError({
      message: 'Variable "$input" got invalid value -1 at "input.households"; Value is not a non-negative number: -1',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(formatted.extensions?.field).toBe('input.households');
  });

  test('anything unexpected is masked', () => {
    const formatted = formatError({
      message: 'relation "x" does not exist',
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db.ts:1'] },
    });
    expect(formatted.message).toMatch(/^Internal server error/);
    expect(JSON.stringify(formatted)).not.toMatch(/relation|db\.ts/);
  });
});

describe('scalars', () => {
  test('AreaCode accepts 12 digits only', () => {
    expect(AreaCode.parseValue('510108001001')).toBe('510108001001');
    for (const bad of ['51010800100', '5101080010011', '00010800100X', 510108001001]) expect(() => AreaCode.parseValue(bad)).toThrow();
  });

  test('PhoneNumber wants E.164', () => {
    expect(PhoneNumber.parseValue('+862884561234')).toBe('+862884561234');
    for (const bad of ['028-84561234', '+0123', '13800138000']) expect(() => PhoneNumber.parseValue(bad)).toThrow(/E\.164/);
  });

  test('Date stays a YYYY-MM-DD string and must be a real day', () => {
    expect(CalendarDate.parseValue('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-1', '2024-01-01T00:00:00Z'])
      expect(() => CalendarDate.parseValue(bad)).toThrow();
  });
});

describe('money', () => {
  test('decimal yuan in, exact fen arithmetic, two decimals out', () => {
    expect(parseYuan(' 1250000.5 ', 'input.amount')).toBe('1250000.5');
    expect(toFen('1250000.5')).toBe(125000050n);
    expect(fromFen(toFen('0.1') + toFen('0.2'))).toBe('0.30');
    expect(fromFen(-1234n)).toBe('-12.34');
    expect(money('10.00')).toEqual({ amount: '10.00', currency: 'CNY' });
  });

  test.each(['-1', '1.234', '1e5', '123456789012345', 'abc', ''])('%j is refused naming the field', (value) => {
    expect(() => parseYuan(value, 'input.amount')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.amount' }) }),
    );
  });
});
