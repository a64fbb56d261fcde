import { AuditTrailModule } from '@app/audit-trail';
import { ExportJob, Prisma, PrismaService, Tenant } from '@app/database';

import { integrationSuite } from '../../../../test/utils/integration';
import { exportJobRow } from '../../../../test/utils/world';
import { ExportJobsRepository } from './export-jobs.repository';

describe('ExportJobsRepository against PostgreSQL', () => {
  const suite = integrationSuite({ imports: [AuditTrailModule], providers: [ExportJobsRepository] });
  let jobs: ExportJobsRepository;
  let prisma: PrismaService;
  let tenant: Tenant;

  beforeAll(async () => {
    jobs = suite.module.get(ExportJobsRepository);
    prisma = suite.module.get(PrismaService);
    tenant = await suite.world.tenant('Jobs');
  });

  function job(fields: Partial<Prisma.ExportJobUncheckedCreateInput> = {}): Promise<ExportJob> {
    return prisma.exportJob.create({ data: exportJobRow(tenant.id, fields) });
  }

  const status = async (id: string) => (await prisma.exportJob.findUniqueOrThrow({ where: { id } })).status;
  const actions = async (id: string) => (await prisma.auditEvent.findMany({ where: { resourceId: id }, orderBy: { seq: 'asc' } })).map((event) => event.action);
  const file = {
    rows: 1,
    fileName: 'a.csv',
    storageKey: 'k/a.csv',
    sizeBytes: 10,
    sha256: 'a'.repeat(64),
    manifest: { row_count: 1 },
    manifestSignature: null,
    ttlSeconds: 60,
  };

  it('should let a cancel that comes first win over the end of the run, which then stores nothing', async () => {
    const running = await job();
    expect(await jobs.claim(running.id)).toEqual(expect.objectContaining({ status: 'processing', attempts: 1, startedAt: expect.any(Date) }));
    expect(await prisma.$transaction((tx) => jobs.cancel(tx, running.id, 'alice'))).toBe(true);
    expect(await jobs.progress(running.id, 5)).toBe(false);
    expect(await jobs.complete(running, file)).toBe(false);
    expect(await prisma.exportJob.findUniqueOrThrow({ where: { id: running.id } })).toEqual(
      expect.objectContaining({ status: 'cancelled', errorMessage: 'Cancelled by alice', storageKey: null }),
    );
    expect(await actions(running.id)).toEqual([]);
  });

  it('should complete a processing job once, and expire its file only when it is due and completed', async () => {
    const done = await job();
    await jobs.claim(done.id);
    expect(await jobs.complete(done, file)).toBe(true);
    expect(await jobs.complete(done, file)).toBe(false);
    expect(await jobs.claim(done.id)).toBeNull();
    const stored = await prisma.exportJob.findUniqueOrThrow({ where: { id: done.id } });
    expect(stored.expiresAt?.getTime()).toBe((stored.completedAt as Date).getTime() + 60_000);
    expect((await jobs.dueToExpire(new Date(), 10)).map((due) => due.id)).not.toContain(done.id);
    const later = new Date((stored.expiresAt as Date).getTime() + 1);
    expect((await jobs.dueToExpire(later, 10)).map((due) => due.id)).toContain(done.id);
    expect(await jobs.expire(stored)).toBe(true);
    expect(await jobs.expire(stored)).toBe(false);
    expect(await status(done.id)).toBe('expired');
    expect(await actions(done.id)).toEqual(['export.complete', 'export.expire']);
  });

  it('should send a failed attempt back to pending, fail a job once, and never fail or retry a job that ended', async () => {
    const flaky = await job();
    await jobs.claim(flaky.id);
    expect(await jobs.retry(flaky.id, 'Attempt 1 failed')).toBe(true);
    expect(await status(flaky.id)).toBe('pending');
    expect(await jobs.retry(flaky.id, 'again')).toBe(false);
    expect(await jobs.fail(flaky, 'gave up')).toBe(true);
    expect(await jobs.fail(flaky, 'gave up')).toBe(false);
    expect(await jobs.failUnqueued(flaky.id, 'no Redis')).toBe(false);
    expect(await prisma.$transaction((tx) => jobs.cancel(tx, flaky.id, 'alice'))).toBe(false);
    expect(await prisma.exportJob.findUniqueOrThrow({ where: { id: flaky.id } })).toEqual(
      expect.objectContaining({ status: 'failed', errorMessage: 'gave up' }),
    );
    expect(await actions(flaky.id)).toEqual(['export.fail']);
  });

  it('should name the unfinished jobs created before a moment, for the sweep to check their queue entries', async () => {
    const [waiting, running, ended] = await Promise.all([job(), job(), job({ status: 'completed' })]);
    await jobs.claim(running.id);
    const unfinished = await jobs.unfinished(new Date(Date.now() + 1_000), 100);
    expect(unfinished).toEqual(expect.arrayContaining([waiting.id, running.id]));
    expect(unfinished).not.toContain(ended.id);
    expect(await jobs.unfinished(new Date(waiting.createdAt.getTime()), 100)).not.toContain(waiting.id);
  });
});
