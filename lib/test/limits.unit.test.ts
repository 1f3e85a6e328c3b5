import { ApolloServer } from '@apollo/server';
import { buildSchema, parse } from 'graphql';
import { fieldPrices } from '../edge/cost';
import { formatError } from '../edge/error-masking';
import { operationCost, queryLimits, type QueryLimits } from '../edge/limits';

/**
 * The edge's limits as a real Apollo Server applies them (queryLimits and formatError wired as
 * lib/runtime/subgraph-server.ts and the gateway wire them): each refusal's code, message, figures and HTTP
 * status, one step either side of each limit.
 */

const sdl = `
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Query {
    list(first: Int): ThingConnection @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)
    one: Thing
    echo(values: [String!]): String
    _entities(representations: [String!]!): [Thing]
  }
  type ThingConnection { edges: [ThingEdge] }
  type ThingEdge { node: Thing }
  type Thing { id: ID name: String child: Thing }
`;
const schema = buildSchema(sdl);
const prices = fieldPrices(sdl);

const LIMITS: QueryLimits = { maxDepth: 6, maxCost: 2000, maxAliases: 12, maxDirectives: 12, maxTokens: 5000, maxFields: 1000 };

async function serverWith(overrides: Partial<QueryLimits> = {}) {
  const limits = queryLimits({ ...LIMITS, ...overrides }, prices);
  const apollo = new ApolloServer({
    schema,
    formatError,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: limits.plugins,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  return apollo;
}

/**
 * Runs one operation on a server of its own: built inside the test, not shared from beforeAll,
 * since Stryker's per-test coverage sees only what runs inside a test (queryLimits included).
 */
async function run(limits: Partial<QueryLimits>, query: string, variables?: Record<string, unknown>, operationName?: string) {
  const server = await serverWith(limits);
  try {
    const response = await server.executeOperation({ query, variables, operationName });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { status: response.http.status ?? 200, errors: response.body.singleResult.errors };
  } finally {
    await server.stop();
  }
}

const accepted = { status: 200, errors: undefined };
const nested = (levels: number) => `{ one { ${'child { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;
const aliases = (n: number) => `{ one { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ')} } }`;

describe('depth', () => {
  test('at the limit passes; one level more is QUERY_TOO_DEEP with the depth found, status 400', async () => {
    expect(await run({}, nested(6))).toEqual(accepted);
    expect(await run({}, nested(7))).toEqual({
      status: 400,
      errors: [
        { message: 'The query is 7 levels deep; at most 6 are allowed.', extensions: { code: 'QUERY_TOO_DEEP', maxDepth: 6, found: 7 } },
      ],
    });
  });

  test('a depth of two digits is reported whole', async () => {
    expect((await run({}, nested(12))).errors).toEqual([
      { message: 'The query is 12 levels deep; at most 6 are allowed.', extensions: { code: 'QUERY_TOO_DEEP', maxDepth: 6, found: 12 } },
    ]);
  });

  test('fragments add no level of their own: the fields they hold are counted', async () => {
    expect(await run({}, '{ one { child { child { child { ... on Thing { child { id } } } } } } }')).toEqual(accepted);
    expect(await run({}, '{ one { child { child { child { ...F } } } } } fragment F on Thing { child { id } }')).toEqual(accepted);
    expect((await run({}, '{ one { child { child { child { ...F } } } } } fragment F on Thing { child { child { id } } }')).errors).toEqual(
      [{ message: 'The query is 7 levels deep; at most 6 are allowed.', extensions: { code: 'QUERY_TOO_DEEP', maxDepth: 6, found: 7 } }],
    );
  });
});

describe('aliases', () => {
  test('at the limit passes; one more is TOO_MANY_ALIASES, one error only, status 400', async () => {
    expect(await run({}, aliases(12))).toEqual(accepted);
    expect(await run({}, aliases(13))).toEqual({
      status: 400,
      errors: [
        {
          message: 'The query uses 13 aliases; at most 12 are allowed.',
          extensions: { code: 'TOO_MANY_ALIASES', maxAliases: 12, found: 13 },
        },
      ],
    });
  });

  test('aliased __typename counts like any alias', async () => {
    const typenames = `{ one { ${Array.from({ length: 13 }, (_, i) => `t${i}: __typename`).join(' ')} } }`;
    expect((await run({}, typenames)).errors).toEqual([
      {
        message: 'The query uses 13 aliases; at most 12 are allowed.',
        extensions: { code: 'TOO_MANY_ALIASES', maxAliases: 12, found: 13 },
      },
    ]);
  });
});

describe('directives', () => {
  const directives = (n: number) => `{ one { ${Array.from({ length: n }, (_, i) => `d${i % 2}: id @skip(if: false)`).join(' ')} } }`;

  test('at the limit passes; one more is TOO_MANY_DIRECTIVES, status 400', async () => {
    expect(await run({ maxAliases: 100 }, directives(12))).toEqual(accepted);
    expect(await run({ maxAliases: 100 }, directives(13))).toEqual({
      status: 400,
      errors: [
        {
          message: 'The query uses 13 directives; at most 12 are allowed.',
          extensions: { code: 'TOO_MANY_DIRECTIVES', maxDirectives: 12, found: 13 },
        },
      ],
    });
  });
});

describe('tokens', () => {
  test("over the limit is TOO_MANY_TOKENS naming the limit (graphql-js's parser counts them)", async () => {
    const values = (n: number) => `{ echo(values: [${Array.from({ length: n }, () => '"v"').join(', ')}]) }`;
    // `{ echo ( values : [ … ] ) }` is 9 tokens around the values.
    expect(await run({ maxTokens: 20 }, values(11))).toEqual(accepted);
    expect(await run({ maxTokens: 20 }, values(12))).toEqual({
      status: 400,
      errors: [
        { message: 'The query has more than 20 tokens; send a smaller document.', extensions: { code: 'TOO_MANY_TOKENS', maxTokens: 20 } },
      ],
    });
  });
});

describe('cost', () => {
  const page = (first: number) => `{ list(first: ${first}) { edges { node { id name } } } }`;

  test('at the limit passes; above it is QUERY_TOO_COSTLY with the cost and the limit, status 400', async () => {
    // 1 + first × (edges 1 + node 1 + id 1 + name 1)
    expect(await run({ maxCost: 1 + 50 * 4 }, page(50))).toEqual(accepted);
    expect(await run({ maxCost: 1 + 50 * 4 }, page(51))).toEqual({
      status: 400,
      errors: [
        {
          message:
            'The query could cost 205 (fields × the rows each list can return); at most 201 is allowed. Ask for fewer rows with first, fewer nested lists, or fewer fields.',
          extensions: { code: 'QUERY_TOO_COSTLY', cost: 205, maxCost: 201 },
        },
      ],
    });
  });

  test('the operation priced is the one that runs', async () => {
    const document = `query Cheap { one { id } } query Dear ${page(100)}`;
    expect(await run({ maxCost: 100 }, document, undefined, 'Cheap')).toEqual(accepted);
    expect((await run({ maxCost: 100 }, document, undefined, 'Dear')).errors?.[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COSTLY',
      cost: 401,
      maxCost: 100,
    });
  });

  test('variables are priced as given, and a bad one is BAD_USER_INPUT naming the argument before anything runs', async () => {
    const query = 'query ($n: Int) { list(first: $n) { edges { node { id name } } } }';
    expect(await run({ maxCost: 100 }, query, { n: 20 })).toEqual(accepted);
    expect((await run({ maxCost: 100 }, query, { n: 30 })).errors?.[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COSTLY',
      cost: 121,
      maxCost: 100,
    });
    expect(await run({ maxCost: 100 }, query, { n: 'x' })).toEqual({
      status: 400,
      errors: [
        {
          message: 'Variable "$n" got invalid value "x"; Int cannot represent non-integer value: "x"',
          extensions: { code: 'BAD_USER_INPUT', field: 'first' },
        },
      ],
    });
  });

  test('more fields than maxFields (fragments expanded) is TOO_MANY_FIELDS naming the limit', async () => {
    expect(await run({ maxFields: 10 }, '{ one { id name child { id name } } }')).toEqual(accepted);
    const fragments = '{ one { ...F child { ...F child { ...F } } } } fragment F on Thing { id name child { id } }';
    expect(await run({ maxFields: 10 }, fragments)).toEqual({
      status: 400,
      errors: [
        {
          message: 'The query selects more than 10 fields (fragments expanded); ask for less.',
          extensions: { code: 'TOO_MANY_FIELDS', maxFields: 10 },
        },
      ],
    });
  });
});

describe("Armor's own limits stay off: ours price and count", () => {
  test('a page Armor would price over its default 5000 passes within our cost', async () => {
    // Armor's estimate: (2 + 1.5 × edges) × 100 ≈ 5843; ours: 1 + 100 × 10 = 1001.
    const query = '{ list(first: 100) { edges { node { id name child { id name child { id name } } } } } }';
    expect(await run({}, query)).toEqual(accepted);
  });

  test("a document over Armor's default 1000 tokens passes within our token limit", async () => {
    const query = `{ echo(values: [${Array.from({ length: 1500 }, () => '"v"').join(' ')}]) }`;
    expect(await run({}, query)).toEqual(accepted);
  });

  test('"Did you mean" suggestions are hidden', async () => {
    expect(await run({}, '{ one { nam } }')).toEqual({
      status: 400,
      errors: [
        {
          message: 'Cannot query field "nam" on type "Thing". [Suggestion hidden]?',
          locations: [{ line: 1, column: 9 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
  });
});

describe('operationCost', () => {
  const cost = (source: string, operationName?: string) =>
    operationCost(schema, parse(source), {}, { operationName, maxFields: 1000, prices });

  test('_entities is priced by the representations sent', () => {
    expect(cost('{ _entities(representations: ["a", "b", "c"]) { id name } }')).toBe(1 + 3 * 2);
    // A single value is coerced to a list of one, as the executor coerces it.
    expect(cost('{ _entities(representations: "a") { id } }')).toBe(1 + 1 * 1);
  });

  test('first below 1 is priced as one row; a connection asked for with first is priced by it', () => {
    expect(cost('{ list(first: 0) { edges { node { id } } } }')).toBe(1 + 1 * 3);
    expect(cost('{ list(first: -5) { edges { node { id } } } }')).toBe(1 + 1 * 3);
    expect(cost('{ list(first: 7) { edges { node { id } } } }')).toBe(1 + 7 * 3);
  });

  test('of several operations, the one named is priced', () => {
    const document = 'query Cheap { one { id } } query Dear { list(first: 100) { edges { node { id } } } }';
    expect(cost(document, 'Cheap')).toBe(2);
    expect(cost(document, 'Dear')).toBe(301);
  });
});
