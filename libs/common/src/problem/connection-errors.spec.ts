import { isConnectionError } from './connection-errors';

/** Errors as pg, Prisma's pg adapter, Node and ioredis raise them (shapes observed against a real PostgreSQL and Redis). */
describe('isConnectionError', () => {
  const prismaKnown = (code: string, cause: Record<string, unknown>) =>
    Object.assign(new Error('Invalid `prisma.$queryRaw()` invocation'), {
      name: 'PrismaClientKnownRequestError',
      code,
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
    });

  it.each([
    [
      'a backend terminated by the server (pg 57P01)',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' }),
    ],
    ['a socket closed mid-query', new Error('Connection terminated unexpectedly')],
    ['a client used after its connection failed', new Error('Client has encountered a connection error and is not queryable')],
    ['a pool that gave no connection in time', new Error('timeout exceeded when trying to connect')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['Prisma: a terminated backend through the adapter (P2010)', prismaKnown('P2010', { originalCode: '57P01', kind: 'postgres', code: '57P01' })],
    ['Prisma: an unreachable database (P1001)', prismaKnown('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5499 })],
    ['Prisma: an unreachable database outside a transaction (P2010)', prismaKnown('P2010', { kind: 'DatabaseNotReachable' })],
    ['ioredis: a command after the connection closed', new Error('Connection is closed.')],
    ['ioredis: retries spent', Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })],
    [
      'a connection error kept as the cause of another',
      new Error('could not load', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }),
    ],
  ])('should recognise %s', (_, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', prismaKnown('P2002', { kind: 'UniqueConstraintViolation' })],
    ['a syntax error in SQL', Object.assign(new Error('syntax error at or near "FORM"'), { code: '42601' })],
    ['a serialization failure', Object.assign(new Error('could not serialize access'), { code: '40001' })],
    // Overload, not a lost connection: the problem mapping answers it 503 `overloaded`.
    [
      'Prisma: a transaction that could not start in time (P2028)',
      Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), {
        name: 'PrismaClientKnownRequestError',
        code: 'P2028',
      }),
    ],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error at all', 'boom'],
  ])('should not take %s for a lost connection', (_, error) => {
    expect(isConnectionError(error)).toBe(false);
  });
});
