import { ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { Tenant } from '@app/database';
import { ChromiumService, ROWS_PER_PAGE } from '@app/exports';

import { TestApi, withApiEnv } from './utils/api';
import { downloadExport, ExportStatus, parseCsv, pdfText, startExport, waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

/**
 * Exports under faults: an unusable export directory, a record limit, Chromium dying mid-report and a
 * worker killed with SIGKILL. Each block starts the api with its own configuration.
 */
describe('exports under faults', () => {
  const world = new World();
  let tenant: Tenant;
  let auditor: Record<string, string>;

  beforeAll(async () => {
    tenant = await world.tenant('Faults');
    auditor = world.bearer(tenant, ['alerts:read', 'exports:read', 'exports:write'], 'auditor');
    const start = Date.UTC(2025, 5, 1);
    await world.prisma.alert.createMany({
      data: Array.from({ length: 2_400 }, (_, i) => alertRow(tenant.id, { type: i < 12 ? 'small' : 'large', createdAt: new Date(start + i * 1000) })),
    });
  });

  afterAll(async () => {
    await world.close();
  });

  const start = (api: TestApi, body: Record<string, unknown>): Promise<string> => startExport(api, body, auditor);

  it('should fail the job with a clear error_message when the export directory cannot be written, without retrying', async () => {
    const blocker = join(resolve(process.env.EXPORT_DIR as string, '..'), 'not-a-directory');
    await mkdir(dirname(blocker), { recursive: true });
    await writeFile(blocker, 'a file where the export directory should be');
    await withApiEnv({ EXPORTS_IN_PROCESS: 'true', EXPORT_DIR: join(blocker, 'exports') }, async (api) => {
      const id = await start(api, { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: ['small'] } });
      const status = await waitForExport(api, id, auditor);
      expect(status.status).toBe('failed');
      expect(status.error_message).toMatch(/Could not write the export file: the export directory path runs through a file, not a directory \(ENOTDIR/);
      expect(status.attempts).toBe(1);
      expect(status.file_ready).toBe(false);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: id, action: 'export.fail', outcome: 'failure' } })).toBe(1);
    });
  });

  it('should mark an export over EXPORT_MAX_RECORDS incomplete, visibly, in the status, the manifest and the PDF', async () => {
    await withApiEnv({ EXPORTS_IN_PROCESS: 'true', EXPORT_MAX_RECORDS: '5' }, async (api) => {
      const csv = await waitForExport(api, await start(api, { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: ['small'] } }), auditor);
      expect(csv.status).toBe('completed');
      expect(csv.manifest).toEqual(
        expect.objectContaining({
          complete: false,
          row_count: 5,
          matched_count: 12,
          incomplete_reason: 'EXPORT_MAX_RECORDS is 5: 5 of 12 matching records are in the file',
        }),
      );
      const [, ...rows] = parseCsv((await downloadExport(api, csv.job_id, auditor)).bytes.toString('utf8').slice(1));
      expect(rows).toHaveLength(5);

      const pdf = await waitForExport(api, await start(api, { resource: 'alerts', format: 'pdf', scope: 'filtered', filters: { type: ['small'] } }), auditor);
      const { text } = await pdfText((await downloadExport(api, pdf.job_id, auditor)).bytes);
      expect(text).toContain('INCOMPLETE: EXPORT_MAX_RECORDS is 5: 5 of 12 matching records are in the file');
    });
  });

  it('should finish a PDF when Chromium is killed mid-report: only the chunks being printed are retried', async () => {
    await withApiEnv({ EXPORTS_IN_PROCESS: 'true' }, async (api) => {
      const id = await start(api, { resource: 'alerts', format: 'pdf', scope: 'filtered', filters: { type: ['large'] } });
      await waitForExport(api, id, auditor, (s) => s.status === 'processing' && s.progress.processed > 0);
      const pid = api.app.get(ChromiumService).pid();
      expect(pid).toBeDefined();
      process.kill(pid as number, 'SIGKILL');
      const status = await waitForExport(api, id, auditor);
      expect(status).toEqual(expect.objectContaining({ status: 'completed', attempts: 1 }));
      expect(api.app.get(ChromiumService).pid()).not.toBe(pid);
      const { text, pages } = await pdfText((await downloadExport(api, id, auditor)).bytes);
      expect(pages).toBe(3 + Math.ceil(2_388 / ROWS_PER_PAGE));
      expect(text).toContain(`Page ${pages} of ${pages}`);
    });
  });

  describe('a worker killed with SIGKILL', () => {
    const workers: ChildProcess[] = [];

    function startWorker(port: number): ChildProcess {
      // Its own process group, so killing the group also kills its Chromium, as when a container dies.
      const child = spawn(process.execPath, ['-r', './scripts/ts-register.js', 'apps/worker/src/main.ts'], {
        cwd: resolve(__dirname, '..'),
        env: { ...process.env, EXPORTS_IN_PROCESS: 'false', WORKER_PORT: String(port), EXPORT_STALLED_SECONDS: '2', LOG_LEVEL: 'fatal' },
        detached: true,
        stdio: 'ignore',
      });
      workers.push(child);
      return child;
    }

    afterAll(() => {
      for (const worker of workers) {
        try {
          process.kill(-(worker.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });

    it('should have its job taken over by another worker through Bull’s stalled-job handling, never left processing', async () => {
      await withApiEnv({ EXPORTS_IN_PROCESS: 'false', EXPORT_STALLED_SECONDS: '2' }, async (api) => {
        const first = startWorker(39_000 + (process.pid % 1000));
        const id = await start(api, { resource: 'alerts', format: 'pdf', scope: 'filtered', filters: { type: ['large'] } });
        const running: ExportStatus = await waitForExport(api, id, auditor, (s) => s.status === 'processing' && s.progress.processed > 0);
        expect(running.attempts).toBe(1);
        process.kill(-(first.pid as number), 'SIGKILL');

        startWorker(40_000 + (process.pid % 1000));
        const status = await waitForExport(api, id, auditor, undefined, 120_000);
        expect(status).toEqual(expect.objectContaining({ status: 'completed', attempts: 2, error_message: null }));
        expect(status.manifest).toEqual(expect.objectContaining({ row_count: 2_388, complete: true }));
        const { pages } = await pdfText((await downloadExport(api, id, auditor)).bytes);
        expect(pages).toBe(3 + Math.ceil(2_388 / ROWS_PER_PAGE));
      });
    });
  });
});
