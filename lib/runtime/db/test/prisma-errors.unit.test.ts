import { isConcurrencyConflict, isDatabaseUnavailable } from '../prisma-errors';

/**
 * Every form a lost database connection takes, as node-postgres, the driver adapter and Prisma
 * raise it, is SERVICE_UNAVAILABLE (isDatabaseUnavailable); racing writers are CONFLICT; and
 * neither swallows the other or an ordinary bug.
 */

/** PostgreSQL's error as node-postgres raises it (a DatabaseError with its SQLSTATE). */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL', name: 'error' });
}

/** The same error after Prisma's driver adapter and client wrapped it (adapter-pg's `postgres` kind). */
function throughPrisma(code: string, message: string): Error {
  const adapterError = Object.assign(new Error(`Driver adapter error: ${message}`), {
    name: 'DriverAdapterError',
    cause: { kind: 'postgres', originalCode: code, originalMessage: message, code, message },
  });
  return Object.assign(new Error(`Invalid \`prisma.booking.create()\` invocation: ${message}`), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2010',
    meta: { driverAdapterError: adapterError },
  });
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -1, syscall: 'connect' });
}

describe('a lost database is SERVICE_UNAVAILABLE', () => {
  test.each([
    ['node-postgres after its socket failed (no code)', new Error('Client has encountered a connection error and is not queryable')],
    ['node-postgres, a closed client', new Error('Client was closed and is not queryable')],
    ['node-postgres, the server went away mid-query', new Error('Connection terminated unexpectedly')],
    ['node-postgres, the connect timed out', new Error('Connection terminated due to connection timeout')],
    ['the pool wait bound (DATABASE_POOL_WAIT_MS)', new Error('timeout exceeded when trying to connect')],
    ['ECONNRESET', errno('ECONNRESET')],
    ['ECONNREFUSED', errno('ECONNREFUSED')],
    ['EPIPE', errno('EPIPE')],
    ['ETIMEDOUT', errno('ETIMEDOUT')],
    [
      '57P01 terminated by an administrator (pg_terminate_backend)',
      pgError('57P01', 'terminating connection due to administrator command'),
    ],
    ['57P02 crash shutdown', pgError('57P02', 'terminating connection because of crash of another server process')],
    ['57P03 not accepting connections yet', pgError('57P03', 'the database system is starting up')],
    ['57014 cancelled by statement_timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['08006 connection failure', pgError('08006', 'connection failure')],
    ['08003 connection does not exist', pgError('08003', 'connection does not exist')],
    ['08P01 protocol violation', pgError('08P01', 'protocol violation')],
    ['57P01 through the driver adapter and Prisma', throughPrisma('57P01', 'terminating connection due to administrator command')],
    ['08006 through the driver adapter and Prisma', throughPrisma('08006', 'connection failure')],
    [
      'Prisma P1001 (cannot reach the server)',
      Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' }),
    ],
    ['Prisma P1017 (the server closed the connection)', Object.assign(new Error('Server has closed the connection.'), { code: 'P1017' })],
    [
      'Prisma P2024 (no pool connection in time)',
      Object.assign(new Error('Timed out fetching a new connection from the connection pool.'), { code: 'P2024' }),
    ],
    [
      'the driver adapter: DatabaseNotReachable',
      Object.assign(new Error('Driver adapter error'), {
        name: 'DriverAdapterError',
        cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 },
      }),
    ],
    [
      'the driver adapter: ConnectionClosed',
      Object.assign(new Error('Driver adapter error'), { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } }),
    ],
    [
      'the driver adapter: SocketTimeout',
      Object.assign(new Error('Driver adapter error'), { name: 'DriverAdapterError', cause: { kind: 'SocketTimeout' } }),
    ],
    [
      'the driver adapter: TooManyConnections',
      Object.assign(new Error('Driver adapter error'), {
        name: 'DriverAdapterError',
        cause: { kind: 'TooManyConnections', cause: 'sorry, too many clients already' },
      }),
    ],
    [
      'a Prisma error whose cause is a driver error with no code',
      Object.assign(new Error('Invalid invocation'), {
        cause: new Error('Client has encountered a connection error and is not queryable'),
      }),
    ],
    ['a PGlite that was closed', new Error('PGlite is closed')],
  ])('%s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isConcurrencyConflict(error)).toBe(false);
  });
});

describe('racing writers are CONFLICT, not a lost database', () => {
  test.each([
    ['23P01 an exclusion constraint', pgError('23P01', 'conflicting key value violates exclusion constraint "booking_no_overlap"')],
    ['55P03 lock_timeout', pgError('55P03', 'canceling statement due to lock timeout')],
    ['40P01 deadlock', pgError('40P01', 'deadlock detected')],
    ['40001 serialization failure', pgError('40001', 'could not serialize access')],
    [
      'Prisma P2034 write conflict',
      Object.assign(new Error('Transaction failed due to a write conflict or a deadlock'), { code: 'P2034' }),
    ],
    [
      '23P01 through the driver adapter and Prisma',
      throughPrisma('23P01', 'conflicting key value violates exclusion constraint "lease_no_overlap"'),
    ],
    ['the exclusion constraint named only in the message', new Error('violates exclusion constraint "booking_no_overlap"')],
  ])('%s', (_name, error) => {
    expect(isConcurrencyConflict(error)).toBe(true);
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

test('a bug is neither', () => {
  for (const error of [
    new TypeError("Cannot read properties of undefined (reading 'id')"),
    pgError('42703', 'column "nope" does not exist'),
    pgError('23505', 'duplicate key'),
    undefined,
    null,
    'text',
  ]) {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(isConcurrencyConflict(error)).toBe(false);
  }
});
