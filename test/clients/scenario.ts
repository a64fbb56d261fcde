/**
 * One scenario run by every generated client (test/generated-clients.e2e-spec.ts): each generator's
 * file adapts its client to `ClientAdapter`, and this file checks what the server answered. Plain
 * TypeScript with no imports from the project, as a client user's code would be.
 */
import { createHash } from 'node:crypto';

export type ExportFileFormat = 'csv' | 'ndjson' | 'xlsx';

export interface ClientAdapter {
  createAlert(body: { severity: 'high' | 'critical'; type: string; source: string; title: string }): Promise<{ id: string; etag: string }>;
  /** GET /v1/alerts with `source` and `severity` filters, cursor paging, two a page. */
  listAlerts(query: { source: string; severity: ('high' | 'critical')[]; cursor?: string }): Promise<{ ids: string[]; nextCursor: string | null }>;
  acknowledge(id: string, etag: string): Promise<{ status: string; etag: string | null }>;
  /** A `filtered` export of the alerts of `source`; answers the job id. */
  startExport(source: string, format: ExportFileFormat): Promise<string>;
  getExport(jobId: string): Promise<{ status: string; sha256: string | null }>;
  download(jobId: string): Promise<Uint8Array>;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`scenario: ${what}`);
}

export async function runScenario(client: ClientAdapter, format: ExportFileFormat): Promise<Record<string, unknown>> {
  const source = `client-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const created = [];
  for (const severity of ['high', 'critical', 'high'] as const)
    created.push(await client.createAlert({ severity, type: 'sdk_check', source, title: `Generated client ${severity}` }));

  const listed: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await client.listAlerts({ source, severity: ['high', 'critical'], cursor });
    listed.push(...page.ids);
    cursor = page.nextCursor ?? undefined;
    check(++pages <= 3, 'the cursor never ends');
  } while (cursor);
  check(pages === 2, `3 alerts two a page should be 2 pages, were ${pages}`);
  check(
    [...listed].sort().join() ===
      created
        .map((alert) => alert.id)
        .sort()
        .join(),
    `listed ${listed.join()} but created ${created.map((alert) => alert.id).join()}`,
  );

  const acknowledged = await client.acknowledge(created[0].id, created[0].etag);
  check(acknowledged.status === 'acknowledged', `acknowledge answered status ${acknowledged.status}`);
  check(acknowledged.etag !== null && acknowledged.etag !== created[0].etag, 'acknowledge answered no new ETag');

  const jobId = await client.startExport(source, format);
  let job = await client.getExport(jobId);
  for (let polls = 0; job.status !== 'completed' && polls < 300; polls++) {
    check(!['failed', 'cancelled'].includes(job.status), `the export ended ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    job = await client.getExport(jobId);
  }
  check(job.status === 'completed', `the export is still ${job.status}`);
  const file = await client.download(jobId);
  const sha256 = createHash('sha256').update(file).digest('hex');
  check(sha256 === job.sha256, `the file's SHA-256 ${sha256} is not the status's ${job.sha256}`);
  return { pages, listed: listed.length, acknowledged: acknowledged.status, format, bytes: file.byteLength, sha256 };
}

/** Runs the scenario from the environment (BASE_URL, TOKEN) and prints its result as one JSON line. */
export function main(build: (baseUrl: string, token: string) => ClientAdapter, format: ExportFileFormat): void {
  const baseUrl = process.env.BASE_URL ?? '';
  const token = process.env.TOKEN ?? '';
  runScenario(build(baseUrl, token), format).then(
    (result) => console.log(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
