import { Pool } from 'pg';

import { isConnectionError, RequestContext, RequestContextStore } from '@app/common';
import { continueTrace } from '@app/common/trace/trace-context';
import { AppConfig } from '@app/config';

import { integrationSuite } from '../../../test/utils/integration';
import { Prisma } from './generated/prisma/client';
import { resilientPool } from './pg-connection';
import { PlainSql } from './plain-sql';
import { FallbackReason, ReadReplica, ReplicaState } from './read-replica';

const WHO = Prisma.sql`SELECT current_setting('application_name') AS who`;

/**
 * Where PlainSql sends a read that may lag, with a stand-in for ReadReplica whose "replica" is the suite's
 * own database reached as application_name 'replica' (the rules are PlainSql's; the replica itself is
 * tried for real in test/read-replica.e2e-spec.ts).
 */
describe('PlainSql: reads that may lag, routed to the read replica', () => {
  const suite = integrationSuite({});
  let config: AppConfig;
  let replicaPool: Pool;
  let sql: PlainSql;
  let replica: {
    state: ReplicaState;
    caughtUp: boolean;
    answered: string[];
    fellBack: FallbackReason[];
    failures: unknown[];
  };

  function fakeReplica(pool: Pool): ReadReplica {
    return {
      configured: true,
      pool,
      url: 'postgresql://replica.invalid/alert_ledger',
      state: () => replica.state,
      poolForRead: () => (replica.state === 'up' ? pool : (replica.fellBack.push(replica.state as FallbackReason), null)),
      answered: (server: string) => replica.answered.push(server),
      fellBack: (reason: FallbackReason) => replica.fellBack.push(reason),
      failed: (error: unknown) => (replica.failures.push(error), isConnectionError(error) ? 'down' : 'error'),
      caughtUpWithPrimary: () => Promise.resolve(replica.caughtUp),
    } as unknown as ReadReplica;
  }

  function asRequest<T>(method: string, work: () => Promise<T>): Promise<T> {
    const context: RequestContext = { requestId: 'plain-sql-int-spec', method, trace: continueTrace(undefined), startedAt: 0n };
    return RequestContextStore.run(context, work);
  }

  beforeAll(() => {
    config = suite.module.get(AppConfig);
    replicaPool = resilientPool({ connectionString: config.databaseUrl, application_name: 'replica', max: 2 });
  });

  beforeEach(() => {
    replica = { state: 'up', caughtUp: true, answered: [], fellBack: [], failures: [] };
    sql = new PlainSql(config, fakeReplica(replicaPool));
  });

  afterEach(() => sql.onModuleDestroy());
  afterAll(() => replicaPool.end());

  it('should read on the replica in a GET or HEAD request, and on the primary in any other request or outside one', async () => {
    expect(await asRequest('GET', () => sql.read(WHO))).toEqual([{ who: 'replica' }]);
    expect(await asRequest('HEAD', () => sql.readInTimeZone('Asia/Seoul', WHO))).toEqual([{ who: 'replica' }]);
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) expect(await asRequest(method, () => sql.read(WHO))).not.toEqual([{ who: 'replica' }]);
    expect(await sql.read(WHO)).not.toEqual([{ who: 'replica' }]);
    expect(replica.answered).toEqual(['replica', 'replica']);
  });

  it('should keep the time zone of readInTimeZone to its own transaction on the replica', async () => {
    const [zoned] = await asRequest('GET', () => sql.readInTimeZone<{ zone: string }>('Asia/Seoul', Prisma.sql`SELECT current_setting('TimeZone') AS zone`));
    expect(zoned.zone).toBe('Asia/Seoul');
    const [after] = await replicaPool.query<{ zone: string }>(`SELECT current_setting('TimeZone') AS zone`).then((result) => result.rows);
    expect(after.zone).not.toBe('Asia/Seoul');
  });

  it('should read on the primary, counted, while the replica is lagging or down', async () => {
    replica.state = 'lagging';
    expect(await asRequest('GET', () => sql.read(WHO))).not.toEqual([{ who: 'replica' }]);
    replica.state = 'down';
    expect(await asRequest('GET', () => sql.read(WHO))).not.toEqual([{ who: 'replica' }]);
    expect(replica.fellBack).toEqual(['lagging', 'down']);
    expect(replica.answered).toEqual(['primary', 'primary']);
  });

  it('should answer on the primary a read the replica fails, whatever the failure, and hand the failure to the replica', async () => {
    const broken = resilientPool({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 1_000 });
    sql = new PlainSql(config, fakeReplica(broken));
    expect(await asRequest('GET', () => sql.read<{ n: number }>(Prisma.sql`SELECT 1 AS n`))).toEqual([{ n: 1 }]);
    expect(replica.failures.map(isConnectionError)).toEqual([true]);
    expect(replica.fellBack).toEqual(['down']);
    await broken.end();

    // A statement that fails on the replica only (as one on a table a migration added that it has not replayed yet).
    sql = new PlainSql(config, fakeReplica(replicaPool));
    const [row] = await asRequest('GET', () =>
      sql.read<{ n: number }>(
        // Not a constant 1 / 0, which the planner would fold (and raise) on both servers.
        Prisma.sql`SELECT CASE WHEN current_setting('application_name') = 'replica' THEN 1 / (length(current_setting('application_name')) - 7) ELSE 1 END AS n`,
      ),
    );
    expect(row.n).toBe(1);
    expect(isConnectionError(replica.failures.at(-1))).toBe(false);
    expect(replica.fellBack.at(-1)).toBe('error');
  });

  it('should read an export’s snapshot on the replica once it caught up, else (and on a retry) on the primary', async () => {
    const where = (options?: { primaryOnly?: boolean }) =>
      sql.exportSnapshot(async (run, url) => ({ url, who: (await run<{ who: string }>(WHO))[0].who }), options);
    expect(await where()).toEqual({ url: 'postgresql://replica.invalid/alert_ledger', who: 'replica' });
    expect(await where({ primaryOnly: true })).toEqual({ url: config.databaseUrl, who: expect.not.stringMatching(/^replica$/) });
    replica.caughtUp = false;
    expect(await where()).toEqual({ url: config.databaseUrl, who: expect.not.stringMatching(/^replica$/) });
    expect(replica.fellBack).toEqual(['lagging']);
    expect(replica.answered).toEqual(['replica', 'primary', 'primary']);
  });
});
