import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { AuditTrailModule, TransparencyLogModule } from '@app/audit-trail';
import { ExportJob, Prisma, Tenant } from '@app/database';

import { integrationSuite } from '../../../../test/utils/integration';
import { alertRow, exportJobRow } from '../../../../test/utils/world';
import { ExportsModule } from '../exports.module';
import { ExportWriters } from '../writers/export-writers';
import { ExportRunner } from './export-runner';

const BASE = Date.UTC(2025, 5, 1);

describe('ExportRunner against PostgreSQL (no HTTP)', () => {
  // The test environment writes CSV and NDJSON of 10 records or more in parts of 7 (test/setup/test-env.ts): 30 records are five parts on two threads.
  const suite = integrationSuite(
    { imports: [ExportsModule, AuditTrailModule, TransparencyLogModule], providers: [ExportWriters, ExportRunner] },
    { EXPORT_THREADS: '2' },
  );
  let runner: ExportRunner;
  let tenant: Tenant;

  beforeAll(async () => {
    runner = suite.module.get(ExportRunner);
    tenant = await suite.world.tenant('Runner');
    const other = await suite.world.tenant('Runner elsewhere');
    await suite.world.prisma.alert.createMany({
      data: [
        ...Array.from({ length: 30 }, (_, i) =>
          alertRow(tenant.id, { createdAt: new Date(BASE + ((i * 7) % 30) * 60_000), title: `Alert "${i}", with a comma` }),
        ),
        ...Array.from({ length: 3 }, (_, i) => alertRow(other.id, { createdAt: new Date(BASE + i * 60_000) })),
      ],
    });
  });

  function job(fields: Partial<Prisma.ExportJobUncheckedCreateInput> = {}): Promise<ExportJob> {
    return suite.world.prisma.exportJob.create({ data: exportJobRow(tenant.id, fields) });
  }

  const reload = (id: string) => suite.world.prisma.exportJob.findUniqueOrThrow({ where: { id } });
  const file = async (stored: ExportJob) => readFile(join(process.env.EXPORT_DIR as string, stored.storageKey as string));
  const auditActions = async (id: string) =>
    (await suite.world.prisma.auditEvent.findMany({ where: { resourceId: id }, orderBy: { seq: 'asc' } })).map((event) => event.action);

  it('should write the parts of a CSV on threads back in keyset order, with the data digest of the NDJSON of the same records', async () => {
    const [csv, ndjson] = await Promise.all([job(), job({ format: 'ndjson' })]);
    await runner.run(csv.id, { attemptsMade: 0, maxAttempts: 3 });
    await runner.run(ndjson.id, { attemptsMade: 0, maxAttempts: 3 });
    const [storedCsv, storedNdjson] = await Promise.all([reload(csv.id), reload(ndjson.id)]);
    expect(storedCsv).toEqual(expect.objectContaining({ status: 'completed', processed: 30, totalRecords: 30, attempts: 1, errorMessage: null }));
    const expected = (
      await suite.world.prisma.alert.findMany({ where: { tenantId: tenant.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } })
    ).map((alert) => alert.id);
    const csvIds = (await file(storedCsv))
      .toString('utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.replace(/^\uFEFF/, '').split(',')[0]);
    const ndjsonBytes = await file(storedNdjson);
    const ndjsonIds = ndjsonBytes
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(csvIds).toEqual(expected);
    expect(ndjsonIds).toEqual(expected);
    expect((storedCsv.manifest as { data_sha256: string }).data_sha256).toBe(createHash('sha256').update(ndjsonBytes).digest('hex'));
    expect(storedCsv.sha256).toBe(
      createHash('sha256')
        .update(await file(storedCsv))
        .digest('hex'),
    );
    expect(await auditActions(csv.id)).toEqual(['export.complete']);
  });

  it('should not run a job cancelled before a worker claimed it', async () => {
    const cancelled = await job({ status: 'cancelled' });
    await runner.run(cancelled.id, { attemptsMade: 0, maxAttempts: 3 });
    expect(await reload(cancelled.id)).toEqual(expect.objectContaining({ status: 'cancelled', attempts: 0, storageKey: null }));
    expect(await auditActions(cancelled.id)).toEqual([]);
  });

  it('should put a failed attempt back to pending with its error, and fail the job with export.fail on the last attempt', async () => {
    // A filter the database refuses (not a severity): a query error, which another attempt could survive.
    const broken = await job({ scope: 'filtered', filters: { severity: ['catastrophic'] } });
    await expect(runner.run(broken.id, { attemptsMade: 0, maxAttempts: 2 })).rejects.toThrow(/catastrophic/);
    const retrying = await reload(broken.id);
    expect(retrying).toEqual(expect.objectContaining({ status: 'pending', attempts: 1, completedAt: null }));
    expect(retrying.errorMessage).toMatch(/^Attempt 1 failed, retrying: The export failed: .*catastrophic/);

    await runner.run(broken.id, { attemptsMade: 1, maxAttempts: 2 });
    const failed = await reload(broken.id);
    expect(failed).toEqual(expect.objectContaining({ status: 'failed', attempts: 2, storageKey: null }));
    expect(failed.errorMessage).toMatch(/^The export failed: .*catastrophic/);
    expect(failed.completedAt).toBeInstanceOf(Date);
    expect(await auditActions(broken.id)).toEqual(['export.fail']);
  });

  it('should fail a job the queue gave up on only while it has not ended', async () => {
    const [pending, completed] = await Promise.all([job(), job()]);
    await runner.run(completed.id, { attemptsMade: 0, maxAttempts: 1 });
    await runner.markFailed(pending.id, 'The worker gave up: stalled');
    await runner.markFailed(completed.id, 'The worker gave up: stalled');
    expect(await reload(pending.id)).toEqual(expect.objectContaining({ status: 'failed', errorMessage: 'The worker gave up: stalled' }));
    expect((await reload(completed.id)).status).toBe('completed');
    expect(await auditActions(completed.id)).toEqual(['export.complete']);
  });
});
