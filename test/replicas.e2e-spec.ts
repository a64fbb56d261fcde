import { createHash } from 'node:crypto';

import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PrismaPg } from '@prisma/adapter-pg';

import { mintDevToken, Scope } from '@app/auth';
import { publicId } from '@app/common';
import { PrismaClient } from '@app/database';

import { applyMigrations, dropDatabase } from '../libs/database/src/migrator/migrator';
import { http } from './utils/api';
import { downloadExport, startExport, waitForExport } from './utils/exports';
import { AppProcess, descendantsOf, startApp, waitForStatus } from './utils/processes';
import { privateSwift, PrivateSwift } from './utils/swift';
import { alertRow } from './utils/world';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Several machines as one deployment: two api processes and two worker processes on their own ports,
 * sharing one PostgreSQL database, one Redis prefix and one Swift bucket (EXPORT_STORAGE=s3). A load
 * balancer may send any request to either api, and either worker may take any job.
 */
describe('replicas of the api and the worker', () => {
  const databaseUrl = `${process.env.DATABASE_URL as string}_replicas`;
  const tenantId = publicId('tnt');
  const bearer = (sub: string, scopes: Scope[]) =>
    `Bearer ${mintDevToken(process.env.JWT_SECRET as string, { sub, tenantId, scopes, issuer: null, audience: null })}`;
  const headers = { authorization: bearer('replicas-operator', ['alerts:read', 'alerts:write', 'exports:read', 'exports:write']) };
  let swift: PrivateSwift;
  let db: PrismaClient;
  let env: Record<string, string>;
  const started: AppProcess[] = [];
  let api1: AppProcess;
  let api2: AppProcess;
  let worker1: AppProcess;
  let worker2: AppProcess;
  /** When both workers were ready: from then on, each scheduled run must happen once. */
  let workersReadyAt: Date;

  async function start(app: 'api' | 'worker', extra: Record<string, string> = {}): Promise<AppProcess> {
    const process = await startApp(app, { ...env, ...extra });
    started.push(process);
    return process;
  }

  /** A job's status, waited for through `api` (150 s at most: a PDF taken over by another worker). */
  const waitFor = (api: AppProcess, id: string, done?: Parameters<typeof waitForExport>[3]) => waitForExport(api, id, headers, done, 150_000);

  /** The bucket's objects of one export job. */
  async function objectsOf(jobId: string): Promise<string[]> {
    const listed = await swift.client.send(new ListObjectsV2Command({ Bucket: swift.bucket, Prefix: `${tenantId}/` }));
    return (listed.Contents ?? []).map((object) => object.Key as string).filter((key) => key.includes(jobId));
  }

  beforeAll(async () => {
    swift = await privateSwift();
    await applyMigrations(databaseUrl);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    await db.tenant.create({ data: { id: tenantId, name: 'Replicas', slug: `replicas-${tenantId.slice(-8).toLowerCase()}` } });
    // Recent alerts, which the every-minute retention purge keeps; enough that a PDF is still printing when its worker is killed.
    const now = Date.now();
    await db.alert.createMany({
      data: Array.from({ length: 2_400 }, (_, i) => alertRow(tenantId, { type: 'large', createdAt: new Date(now - 3_600_000 + i * 1000) })),
    });
    env = {
      ...swift.env,
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX as string}:replicas`,
      EXPORTS_IN_PROCESS: 'false',
      // Four processes and Chromium share two cores: a lock renewed every 2.5 s survives a busy moment.
      EXPORT_STALLED_SECONDS: '5',
      RATE_LIMIT_PER_MINUTE: '100000',
      RETENTION_PURGE_CRON: '* * * * *',
    };
    [api1, api2, worker1, worker2] = await Promise.all([start('api'), start('api'), start('worker'), start('worker')]);
    await Promise.all([worker1, worker2].map((worker) => waitForStatus(`${worker.baseUrl}/health/ready`, (status) => status === 200)));
    workersReadyAt = new Date();
  }, 240_000);

  afterAll(async () => {
    await Promise.all(started.map((process) => process.stop()));
    await db?.$disconnect();
    await dropDatabase(databaseUrl);
    await swift?.remove();
  }, 120_000);

  it('should serve through the second api an export started through the first, whole and by range, from the shared bucket', async () => {
    const id = await startExport(api1, { resource: 'alerts', format: 'csv', scope: 'all' }, headers);
    const status = await waitFor(api2, id);
    expect(status).toEqual(expect.objectContaining({ status: 'completed', attempts: 1, error_message: null }));
    expect(status.manifest?.row_count).toBe(2_400);
    const [first, second] = await Promise.all([downloadExport(api1, id, headers), downloadExport(api2, id, headers)]);
    expect(second.status).toBe(200);
    expect(sha256(second.bytes)).toBe(status.sha256);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    const part = await fetch(`${api2.baseUrl}/v1/exports/${id}/download`, { headers: { ...headers, range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(second.bytes.subarray(1000, 2000))).toBe(true);
    expect(await objectsOf(id)).toEqual([`${tenantId}/${id}.csv`]);
  }, 180_000);

  it('should have the second worker finish, with one file and one manifest, the export whose worker was SIGKILLed midway', async () => {
    // The second worker is frozen while the job starts, so that the first takes it.
    worker2.child.kill('SIGSTOP');
    let id: string;
    try {
      id = await startExport(api1, { resource: 'alerts', format: 'pdf', scope: 'filtered', filters: { type: ['large'] } }, headers);
      const running = await waitFor(api2, id, (s) => s.status === 'processing' && s.progress.processed > 0);
      expect(running.attempts).toBe(1);
      // As when its machine dies: the worker and its Chromium at once.
      const browser = await descendantsOf(worker1.pid);
      worker1.child.kill('SIGKILL');
      for (const pid of browser) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone with its parent already
        }
      }
      await new Promise((done) => worker1.child.once('exit', done));
    } finally {
      worker2.child.kill('SIGCONT');
    }
    const status = await waitFor(api1, id);
    expect(status).toEqual(expect.objectContaining({ status: 'completed', attempts: 2, error_message: null }));
    expect(status.manifest?.row_count).toBe(2_400);
    expect(status.manifest?.file_sha256).toBe(status.sha256);
    expect(status.manifest_signature).toEqual(expect.any(String));
    expect(await objectsOf(id)).toEqual([`${tenantId}/${id}.pdf`]);
    const file = await downloadExport(api2, id, headers);
    expect(file.status).toBe(200);
    expect(sha256(file.bytes)).toBe(status.sha256);
    expect(file.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await db.exportJob.count({ where: { id } })).toBe(1);
  }, 240_000);

  it('should share one rate limit between the apis: a principal spends it through either', async () => {
    const [limited1, limited2] = await Promise.all([start('api', { RATE_LIMIT_PER_MINUTE: '6' }), start('api', { RATE_LIMIT_PER_MINUTE: '6' })]);
    const as = { authorization: bearer('replicas-rate-limited', ['alerts:read']) };
    // The limit counts per minute: the requests all fall in one minute.
    if (Date.now() % 60_000 > 45_000) await new Promise((done) => setTimeout(done, 60_000 - (Date.now() % 60_000) + 100));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await http(i % 2 === 0 ? limited1 : limited2, 'GET', '/v1/alerts?page_size=1', { headers: as })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    // Another principal has its own window on both.
    const other = { authorization: bearer('replicas-other', ['alerts:read']) };
    expect((await http(limited2, 'GET', '/v1/alerts?page_size=1', { headers: other })).status).toBe(200);
  }, 120_000);

  it('should run the retention purge once per scheduled time across the workers, not once per worker', async () => {
    // RETENTION_PURGE_CRON is every minute. Its times since both workers were ready, each given 20 s to end its purge:
    const minute = 60_000;
    const first = Math.floor(workersReadyAt.getTime() / minute) * minute + minute;
    await new Promise((done) => setTimeout(done, Math.max(0, first + 20_000 - Date.now())));
    const last = Math.floor((Date.now() - 20_000) / minute) * minute;
    const scheduled = (last - first) / minute + 1;
    const purges = await db.auditEvent.findMany({
      where: { tenantId, action: 'retention.purge', at: { gte: new Date(first), lt: new Date(last + 20_000) } },
      select: { at: true, outcome: true },
    });
    expect(purges).toHaveLength(scheduled);
    expect(new Set(purges.map((purge) => Math.floor(purge.at.getTime() / minute))).size).toBe(scheduled);
    expect(purges.every((purge) => purge.outcome === 'success')).toBe(true);
  }, 120_000);
});
