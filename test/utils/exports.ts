import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ApiAddress, http } from './api';

const run = promisify(execFile);

export interface ExportStatus {
  job_id: string;
  status: string;
  progress: { processed: number; total: number; percent: number };
  file_ready: boolean;
  error_message: string | null;
  file_name: string | null;
  size_bytes: number | null;
  sha256: string | null;
  total_records: number;
  attempts: number;
  expires_at: string | null;
  manifest:
    | (Record<string, unknown> & { row_count: number; complete: boolean; data_sha256: string; file_sha256: string | null; incomplete_reason: string | null })
    | null;
  manifest_signature: string | null;
}

/** POST /v1/exports, which must answer 202; the job's id. */
export async function startExport(api: ApiAddress, body: Record<string, unknown>, headers: Record<string, string>): Promise<string> {
  const result = await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', { body, headers });
  expect(result.status).toBe(202);
  return result.body.data.job_id;
}

/** Cancels a running job (200, cancelled) and waits up to 10 s for its work directory (partial files) to be gone. */
export async function cancelRunningExport(api: ApiAddress, id: string, headers: Record<string, string>, exportDir: string): Promise<void> {
  const cancelled = await http<{ data: ExportStatus }>(api, 'DELETE', `/v1/exports/${id}`, { headers });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.data.status).toBe('cancelled');
  const work = join(exportDir, '.work', id);
  const stoppedBy = Date.now() + 10_000;
  while (existsSync(work) && Date.now() < stoppedBy) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(existsSync(work)).toBe(false);
}

/** Polls the status endpoint until `done` holds (default: the job left pending/processing). */
export async function waitForExport(
  api: ApiAddress,
  id: string,
  headers: Record<string, string>,
  done = (s: ExportStatus) => !['pending', 'processing'].includes(s.status),
  timeoutMs = 90_000,
): Promise<ExportStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await http<{ data: ExportStatus }>(api, 'GET', `/v1/exports/${id}`, { headers });
    if (result.status !== 200) throw new Error(`status ${result.status}: ${result.text}`);
    if (done(result.body.data)) return result.body.data;
    if (Date.now() > deadline) throw new Error(`export ${id} still ${result.body.data.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Downloads raw bytes (fetch), with the response headers. */
export async function downloadExport(
  api: ApiAddress,
  id: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${api.baseUrl}/v1/exports/${id}/download`, { headers });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** RFC 4180 CSV (quoted fields with "" escapes, CRLF or LF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/** The text of a PDF (poppler's pdftotext, layout kept) and its page count. */
export async function pdfText(bytes: Buffer): Promise<{ text: string; pages: number }> {
  const file = join(tmpdir(), `alert-ledger-test-${process.pid}-${Date.now()}.pdf`);
  await writeFile(file, bytes);
  const [{ stdout: text }, { stdout: info }] = await Promise.all([
    run('pdftotext', ['-layout', file, '-'], { maxBuffer: 64 * 1024 * 1024 }),
    run('pdfinfo', [file]),
  ]);
  return { text, pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]) };
}

/** The text of each page of a PDF, in order (pdftotext ends every page with a form feed). */
export async function pdfPageTexts(bytes: Buffer): Promise<string[]> {
  const { text, pages } = await pdfText(bytes);
  const texts = text.split('\f');
  if (texts.at(-1) === '') texts.pop();
  if (texts.length !== pages) throw new Error(`pdftotext gave ${texts.length} pages of ${pages}`);
  return texts;
}
