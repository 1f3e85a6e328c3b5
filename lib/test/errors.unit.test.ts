import { ApolloServer } from '@apollo/server';
import { buildSchema, GraphQLError } from 'graphql';
import net from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { forbidden } from '../kernel/errors';
import { errorsPlugin, formatError } from '../edge/error-masking';

/**
 * What the client and the log see of each kind of error, through a real Apollo Server wired as
 * lib/runtime/subgraph-server.ts wires it (formatError and errorsPlugin), and formatError's own edges.
 */

const schema = buildSchema(`
  type Query { ok: String denied: String broken: String lost: String outOfRange: Int }
`);

/** A port nothing listens on: connecting to it fails as a lost database does (ECONNREFUSED). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const logged: Record<string, unknown>[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });

/**
 * Runs one operation on a server of its own, built inside the test: Stryker's per-test coverage
 * sees only what runs inside a test, and errorsPlugin() is called when the server is built.
 */
async function run(query: string, requestId = 'req-1') {
  const port = await closedPort();
  const outOfRange = new pg.DatabaseError('value "99999999999" is out of range for type integer', 0, 'error');
  outOfRange.code = '22003';
  const apollo = new ApolloServer<{ requestId: string; log: pino.Logger }>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [errorsPlugin()],
    rootValue: {
      ok: () => 'fine',
      denied: () => {
        throw forbidden('Not yours.');
      },
      broken: () => {
        throw new Error('relation "secret_table" does not exist');
      },
      // Wrapped as Prisma's driver adapter wraps the driver's error (the chain is what is read).
      lost: () =>
        new pg.Client({ host: '127.0.0.1', port, user: 'nobody', connectionTimeoutMillis: 5000 }).connect().catch((cause: unknown) => {
          throw new Error('Driver adapter error', { cause });
        }),
      outOfRange: () => {
        throw outOfRange;
      },
    },
  });
  await apollo.start();
  try {
    logged.length = 0;
    const response = await apollo.executeOperation({ query, operationName: 'Probe' }, { contextValue: { requestId, log } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  } finally {
    await apollo.stop();
  }
}

describe('errors through Apollo', () => {
  test('a domain error reaches the client with its code and the request id, and is not logged as unexpected', async () => {
    expect((await run('query Probe { denied }', 'req-7')).errors).toEqual([
      {
        message: 'Not yours.',
        locations: [{ line: 1, column: 15 }],
        path: ['denied'],
        extensions: { code: 'FORBIDDEN', requestId: 'req-7' },
      },
    ]);
    expect(logged).toEqual([]);
  });

  test('anything unexpected is masked for the client and logged with its stack, the request id, operation and path', async () => {
    expect((await run('query Probe { broken }', 'req-8')).errors).toEqual([
      {
        message: 'Internal server error. Quote the request id when reporting it.',
        locations: [{ line: 1, column: 15 }],
        path: ['broken'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-8' },
      },
    ]);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'unexpected error',
        requestId: 'req-8',
        operationName: 'Probe',
        path: ['broken'],
        err: expect.objectContaining({
          type: 'Error',
          message: 'relation "secret_table" does not exist',
          stack: expect.stringContaining('errors.unit.test.ts'),
        }),
      }),
    ]);
  });

  test('a lost database is SERVICE_UNAVAILABLE (retry), logged; a value the database refused is BAD_USER_INPUT', async () => {
    expect((await run('query Probe { lost }')).errors).toEqual([
      {
        message: 'The database is unavailable; try again shortly.',
        path: ['lost'],
        extensions: { code: 'SERVICE_UNAVAILABLE', requestId: 'req-1' },
      },
    ]);
    expect(logged).toEqual([
      expect.objectContaining({
        msg: 'unexpected error',
        err: expect.objectContaining({ message: expect.stringMatching(/^Driver adapter error: connect ECONNREFUSED/) }),
      }),
    ]);
    expect((await run('query Probe { outOfRange }')).errors).toEqual([
      {
        message: 'A value is outside what can be stored; check the input.',
        path: ['outOfRange'],
        extensions: { code: 'BAD_USER_INPUT', requestId: 'req-1' },
      },
    ]);
  });

  test('each error of a partial result is stamped; a result without errors is left as it is', async () => {
    const partial = await run('query Probe { ok denied broken }', 'req-9');
    expect(partial.data).toEqual({ ok: 'fine', denied: null, broken: null });
    expect(partial.errors?.map((error) => [error.path, error.extensions])).toEqual([
      [['denied'], { code: 'FORBIDDEN', requestId: 'req-9' }],
      [['broken'], { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-9' }],
    ]);
    expect(logged).toHaveLength(1);
    expect(await run('query Probe { ok }')).toEqual({ data: { ok: 'fine' } });
  });

  test('a syntax error stays GRAPHQL_PARSE_FAILED with its own message (only the token limit is renamed)', async () => {
    expect((await run('query Probe { ok')).errors).toEqual([
      {
        message: 'Syntax Error: Expected Name, found <EOF>.',
        locations: [{ line: 1, column: 17 }],
        extensions: { code: 'GRAPHQL_PARSE_FAILED', requestId: 'req-1' },
      },
    ]);
  });
});

describe('formatError edges', () => {
  test('a validation error about an inline input value is BAD_USER_INPUT naming the field; the marker stays private', () => {
    expect(
      formatError({
        message: 'Expected 12 digits.',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', inputError: true, field: 'input.code' },
      }),
    ).toEqual({
      message: 'Expected 12 digits.',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.code' },
    });
    expect(formatError({ message: 'Unknown field.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })).toEqual({
      message: 'Unknown field.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  test('the input marker and a limit cause are read on validation errors only', () => {
    expect(formatError({ message: 'No.', extensions: { code: 'FORBIDDEN', inputError: true } })).toEqual({
      message: 'No.',
      extensions: { code: 'FORBIDDEN' },
    });
    const limit = new GraphQLError('The query could cost 9.', { extensions: { code: 'QUERY_TOO_COSTLY', cost: 9 } });
    const wrapped = new GraphQLError('Unexpected.', { originalError: limit });
    expect(formatError({ message: 'Unexpected.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrapped)).toEqual({
      message: 'Internal server error. Quote the request id when reporting it.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  test("the token-limit wording is renamed on a parse failure only, and only bad input is given a variable's field", () => {
    const tokens = 'Syntax Error: Document contains more that 20 tokens. Parsing aborted.';
    expect(formatError({ message: tokens, extensions: { code: 'BAD_REQUEST' } })).toEqual({
      message: tokens,
      extensions: { code: 'BAD_REQUEST' },
    });
    const variable = 'Variable "$input" got invalid value 1 at "input.code"; Expected 12 digits.';
    expect(formatError({ message: variable, extensions: { code: 'FORBIDDEN' } })).toEqual({
      message: variable,
      extensions: { code: 'FORBIDDEN' },
    });
  });

  test("only graphql-js's own variable-limit message is bad input; the phrase inside another message is not", () => {
    expect(formatError({ message: 'Too many errors processing variables, error limit reached. Execution aborted.' })).toEqual({
      message: 'Too many errors processing variables, error limit reached. Execution aborted.',
      extensions: { code: 'BAD_USER_INPUT', field: 'variables' },
    });
    expect(formatError({ message: 'Wrapped: Too many errors processing variables' }).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    // An exposed error is kept as it is, whatever its message reads like.
    expect(
      formatError({ message: 'Too many errors processing variables.', extensions: { code: 'BAD_USER_INPUT', field: 'input.tags' } }),
    ).toEqual({
      message: 'Too many errors processing variables.',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.tags' },
    });
  });
});
