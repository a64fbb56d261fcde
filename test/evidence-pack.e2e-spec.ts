import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { GENESIS_HASH, hashEvent } from '@app/audit-trail';
import { publicId } from '@app/common';
import { Prisma, Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { downloadExport, ExportStatus, parseCsv, pdfText, waitForExport } from './utils/exports';
import { rewriteAuditLog } from './utils/insider';
import { World } from './utils/world';

const run = promisify(execFile);

interface Verification {
  tenant_id: string;
  from: string | null;
  to: string;
  first_seq: number | null;
  last_seq: number | null;
  checked: number;
  valid: boolean;
  first_broken_id: string | null;
  previous_hash: string;
  last_hash: string | null;
}

/**
 * The evidence pack (issue 8, item 7): one zip with the PDF report, the CSV, the manifest, the audit
 * trail's verification for the period and SHA256SUMS, checked here as an auditor would offline: unzip,
 * then `sha256sum -c SHA256SUMS`.
 */
describe('evidence pack exports', () => {
  /** Every file of a pack, and those SHA256SUMS lists, in its order (packages/verify/README.md). */
  const LISTED = [
    'report.pdf',
    'data.csv',
    'manifest.json',
    'manifest.json.sig',
    'audit-trail-verification.json',
    'checkpoint.txt',
    'proofs.json',
    'keys.json',
  ];
  const PACK_FILES = [...LISTED, 'SHA256SUMS', 'SHA256SUMS.sig'];
  const VERIFIER = join(process.cwd(), 'packages/verify/bin/alert-ledger-verify.js');
  let STRANGER_KEYS: string;
  let api: TestApi;
  const world = new World();
  let work: string;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    work = await mkdtemp(join(tmpdir(), 'alert-ledger-evidence-'));
    // A JWKS of a key that signed nothing here, with the deployment's key name.
    const { publicKey } = generateKeyPairSync('ed25519');
    const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
    STRANGER_KEYS = join(work, 'stranger-keys.json');
    await writeFile(STRANGER_KEYS, JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x, note_key_name: 'alert-ledger.test' }] }));
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    await rm(work, { recursive: true, force: true });
    delete process.env.EXPORTS_IN_PROCESS;
  });

  async function pack(
    headers: Record<string, string>,
    body: Record<string, unknown>,
  ): Promise<{ status: ExportStatus; dir: string; files: string[]; contentType: string | null }> {
    const started = await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', {
      body: { resource: 'alerts', format: 'evidence-pack', ...body },
      headers,
    });
    expect(started.status).toBe(202);
    const status = await waitForExport(api, started.body.data.job_id, headers);
    expect(status).toEqual(expect.objectContaining({ status: 'completed', file_ready: true }));
    const download = await downloadExport(api, status.job_id, headers);
    const dir = join(work, status.job_id);
    const zip = `${dir}.zip`;
    await writeFile(zip, download.bytes);
    await run('unzip', ['-q', zip, '-d', dir]);
    return { status, dir, files: (await readdir(dir)).sort(), contentType: download.headers.get('content-type') };
  }

  async function alerts(tenant: Tenant, writer: Record<string, string>, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const result = await http<{ data: { id: string } }>(api, 'POST', '/v1/alerts', {
        body: { type: 'evidence', source: 'waf', title: `Evidence alert ${i}`, severity: 'high', controls: ['PCI:10.2.1'] },
        headers: writer,
      });
      ids.push(result.body.data.id);
    }
    return ids;
  }

  it('should zip the PDF, the CSV, the manifest and the audit-trail verification with a SHA256SUMS that sha256sum -c accepts', async () => {
    const tenant = await world.tenant('Evidence');
    const writer = world.bearer(tenant, ['alerts:read', 'alerts:write'], 'analyst');
    const auditor = (await world.apiKey(tenant, ['auditor'], new Date(Date.now() + 86_400_000))).headers;
    const ids = await alerts(tenant, writer, 3);
    const { status, dir, files, contentType } = await pack(auditor, { scope: 'all', title: 'PCI DSS Req 10 evidence, Q4' });

    expect(contentType).toBe('application/zip');
    expect(status.file_name).toMatch(/^alerts-\d{8}-exp_[0-9A-Z]{26}\.zip$/);
    expect(status.manifest).toEqual(expect.objectContaining({ format: 'evidence-pack', row_count: 3, complete: true }));
    expect(files).toEqual([...PACK_FILES].sort());
    const sums = await readFile(join(dir, 'SHA256SUMS'), 'utf8');
    expect(
      sums
        .trimEnd()
        .split('\n')
        .map((line) => line.replace(/^[0-9a-f]{64} {2}/, '')),
    ).toEqual(LISTED);
    const checked = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });
    expect(checked.stdout.trim().split('\n')).toEqual(LISTED.map((name) => `${name}: OK`));

    // The offline verifier (packages/verify), with the keys the auditor fetched from the API, not the pack's own.
    const keys = await http(api, 'GET', '/.well-known/alert-ledger/keys', { headers: auditor });
    expect(keys.status).toBe(200);
    await writeFile(join(work, 'trusted-keys.json'), keys.text);
    const verified = await run(process.execPath, [VERIFIER, `${dir}.zip`, '--keys', join(work, 'trusted-keys.json')]);
    expect(
      verified.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(':')[0]),
    ).toEqual(['ok keys', 'ok sha256sums', 'ok sums-signature', 'ok manifest-signature', 'ok checkpoint-signature', 'ok inclusion']);
    const proofs = JSON.parse(await readFile(join(dir, 'proofs.json'), 'utf8')) as { tree_size: number; first: { event_id: string } | null };
    const checkpoint = await readFile(join(dir, 'checkpoint.txt'), 'utf8');
    expect(checkpoint).toMatch(new RegExp(`^alert-ledger.test/${tenant.id}\n${proofs.tree_size}\n`));
    expect(proofs.first).not.toBeNull();
    // A key the auditor does not trust makes the same pack fail.
    const stranger = await run(process.execPath, [VERIFIER, `${dir}.zip`, '--keys', STRANGER_KEYS]).catch((error: { code: number; stdout: string }) => error);
    expect((stranger as { code: number }).code).toBe(1);
    expect((stranger as { stdout: string }).stdout).toMatch(/^FAIL checkpoint-signature/m);

    const [header, ...rows] = parseCsv((await readFile(join(dir, 'data.csv'), 'utf8')).slice(1));
    expect(rows.map((r) => r[header.indexOf('id')])).toEqual(ids);
    expect(rows.map((r) => JSON.parse(r[header.indexOf('controls')]) as string[])).toEqual([['PCI:10.2.1'], ['PCI:10.2.1'], ['PCI:10.2.1']]);
    expect(header).toEqual(expect.arrayContaining(['time_to_acknowledge_seconds', 'time_to_resolve_seconds']));

    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toEqual(
      expect.objectContaining({
        export_id: status.job_id,
        format: 'evidence-pack',
        row_count: 3,
        data_sha256: status.manifest?.data_sha256,
        tenant_id: tenant.id,
      }),
    );

    const verification = JSON.parse(await readFile(join(dir, 'audit-trail-verification.json'), 'utf8')) as Verification;
    const chain = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, at: { lt: new Date(verification.to) } }, orderBy: { seq: 'asc' } });
    expect(verification).toEqual(
      expect.objectContaining({ tenant_id: tenant.id, from: null, valid: true, first_broken_id: null, first_seq: 1, previous_hash: GENESIS_HASH }),
    );
    expect(verification.last_seq).toBe(chain.length);
    expect(verification.checked).toBe(chain.length);
    expect(verification.last_hash).toBe(chain[chain.length - 1].hash);

    const { text } = await pdfText(await readFile(join(dir, 'report.pdf')));
    expect(text).toContain('PCI DSS Req 10 evidence, Q4');
    expect(text).toContain(status.manifest?.data_sha256 as string);
    expect(text.replace(/\s+/g, ' ')).toContain('time_to_acknowledge_seconds (acknowledged_at − created_at');
    // The report prints the pack's checkpoint and the fingerprint of the key that signed it.
    const [, treeSize, rootBase64] = checkpoint.split('\n');
    expect(text.replace(/\s+/g, ' ')).toContain(`tree size ${treeSize}, root hash (SHA-256) ${Buffer.from(rootBase64, 'base64').toString('hex')}`);
    const [signer] = (JSON.parse(keys.text) as { keys: { kid: string; x: string; note_key_name: string }[] }).keys;
    const thumbprint = createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${signer.x}"}`).digest('base64url');
    expect(text.replace(/\s+/g, ' ')).toContain(`${signer.note_key_name}, key id ${signer.kid}, JWK thumbprint (RFC 7638) ${thumbprint}`);

    // The job's own manifest (the zip's digest in it) is signed too, and the verifier ties the download to it.
    const job = join(work, `${status.job_id}.json`);
    await writeFile(job, (await http(api, 'GET', `/v1/exports/${status.job_id}`, { headers: auditor })).text);
    const jobChecked = await run(process.execPath, [VERIFIER, '--export', job, '--keys', join(work, 'trusted-keys.json'), `${dir}.zip`]);
    expect(
      jobChecked.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(':')[0]),
    ).toEqual(['ok keys', 'ok manifest-signature', 'ok file-sha256']);

    // What sha256sum -c is for: a changed file no longer checks.
    await writeFile(join(dir, 'data.csv'), 'tampered\n');
    await expect(run('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: dir })).rejects.toMatchObject({ code: 1 });
  });

  it('should verify the audit-trail segment that covers a filtered period, linked to the event before it', async () => {
    const tenant = await world.tenant('Evidence window');
    const writer = world.bearer(tenant, ['alerts:read', 'alerts:write'], 'analyst');
    await alerts(tenant, writer, 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const from = new Date();
    await alerts(tenant, writer, 2);
    const reader = world.bearer(tenant, ['alerts:read', 'audit:read', 'exports:read', 'exports:write'], 'reviewer');
    const { dir } = await pack(reader, { scope: 'filtered', filters: { created_from: from.toISOString() } });
    const verification = JSON.parse(await readFile(join(dir, 'audit-trail-verification.json'), 'utf8')) as Verification;
    const first = await world.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, at: { gte: from } }, orderBy: { seq: 'asc' } });
    const before = await world.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: first.seq - 1n } });
    expect(verification).toEqual(expect.objectContaining({ from: from.toISOString(), valid: true, first_seq: Number(first.seq), previous_hash: before.hash }));
    expect(verification.first_seq).toBeGreaterThan(1);
    expect((await run('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: dir })).stdout).toBe('');
  });

  it('should report a broken chain in the verification', async () => {
    const tenant = await world.tenant('Evidence forged');
    const writer = world.bearer(tenant, ['alerts:read', 'alerts:write'], 'analyst');
    await alerts(tenant, writer, 1);
    const last = await world.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id }, orderBy: { seq: 'desc' } });
    // An event slipped in with a hash that does not cover it (inserting is what the append-only trigger allows).
    const forged = {
      id: publicId('aud'),
      tenantId: tenant.id,
      seq: last.seq + 1n,
      at: new Date(),
      actor: 'mallory',
      actorType: 'jwt',
      action: 'alert.delete',
      resourceType: 'alert',
      resourceId: null,
      outcome: 'success',
      ip: null,
      userAgent: null,
      requestId: null,
      traceId: null,
      details: {},
      prevHash: last.hash,
    };
    await world.prisma.auditEvent.create({ data: { ...forged, hash: hashEvent({ ...forged, actor: 'someone-else' }) } });
    const { dir } = await pack(world.bearer(tenant, ['alerts:read', 'exports:read', 'exports:write'], 'reviewer'), { scope: 'all' });
    const verification = JSON.parse(await readFile(join(dir, 'audit-trail-verification.json'), 'utf8')) as Verification;
    expect(verification).toEqual(expect.objectContaining({ valid: false, first_broken_id: forged.id }));
  });

  /** What an insider does to the log, given its events, the tenant and the size of the checkpoint the auditor kept. */
  type Insider = (tx: Prisma.TransactionClient, events: { id: string; seq: bigint }[], tenant: Tenant, keptSize: number) => Promise<unknown>;
  const INSIDERS: [string, Insider][] = [
    ['changed one event', (tx, events) => tx.$executeRaw`UPDATE audit_events SET actor = 'someone-else' WHERE id = ${events[1].id}`],
    [
      // The newest events, back to the last two the kept checkpoint covered, and the checkpoints that covered them.
      'removed the newest events',
      async (tx, events, tenant, keptSize) => {
        const left = keptSize - 2;
        await tx.$executeRaw`DELETE FROM audit_events WHERE id IN (${Prisma.join(events.slice(left).map((event) => event.id))})`;
        await tx.$executeRaw`DELETE FROM audit_checkpoints WHERE tenant_id = ${tenant.id} AND tree_size > ${left}`;
      },
    ],
    [
      'reordered two events',
      async (tx, events) => {
        await tx.$executeRaw`UPDATE audit_events SET seq = -1 WHERE id = ${events[1].id}`;
        await tx.$executeRaw`UPDATE audit_events SET seq = ${events[1].seq} WHERE id = ${events[2].id}`;
        await tx.$executeRaw`UPDATE audit_events SET seq = ${events[2].seq} WHERE id = ${events[1].id}`;
      },
    ],
  ];

  it.each(INSIDERS)('should fail, offline, a pack made after an insider %s, given the checkpoint of an earlier pack', async (what, insider) => {
    const tenant = await world.tenant(`Evidence insider ${what}`);
    const writer = world.bearer(tenant, ['alerts:read', 'alerts:write'], 'analyst');
    const auditor = world.bearer(tenant, ['alerts:read', 'audit:read', 'exports:read', 'exports:write'], 'auditor-q1');
    await alerts(tenant, writer, 3);
    const q1 = await pack(auditor, { scope: 'all' });
    const kept = join(work, `${tenant.id}-q1-checkpoint.txt`);
    await writeFile(kept, await readFile(join(q1.dir, 'checkpoint.txt')));
    const keys = join(work, `${tenant.id}-keys.json`);
    await writeFile(keys, (await http(api, 'GET', '/.well-known/alert-ledger/keys', { headers: auditor })).text);
    const size = (text: string) => Number(text.split('\n')[1]);
    /** The next pack checked against the kept checkpoint, with the consistency proof the API answers when the log is larger. */
    const nextPack = async (): Promise<{ code: number; stdout: string }> => {
      const next = await pack(auditor, { scope: 'all' });
      const [from, to] = [size(await readFile(kept, 'utf8')), size(await readFile(join(next.dir, 'checkpoint.txt'), 'utf8'))];
      const args = [VERIFIER, `${next.dir}.zip`, '--keys', keys, '--since', kept];
      if (from < to) {
        const proof = await http(api, 'GET', `/v1/audit-trail/consistency?first=${from}&second=${to}`, { headers: auditor });
        expect(proof.status).toBe(200);
        await writeFile(join(work, `${next.status.job_id}-consistency.json`), proof.text);
        args.push('--consistency', join(work, `${next.status.job_id}-consistency.json`));
      }
      return run(process.execPath, args).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => error,
      );
    };

    // Q2, honest: the log only grew.
    await alerts(tenant, writer, 2);
    const honest = await nextPack();
    expect(honest.code).toBe(0);
    expect(honest.stdout).toMatch(/^ok consistency/m);

    // The insider acts, then recomputes every chain hash and tree node: the chain verifies, the new pack's own
    // signatures and proofs hold, and only the checkpoint kept from Q1 shows it.
    await rewriteAuditLog(world.prisma, tenant.id, async (tx, events) => insider(tx, events, tenant, size(await readFile(kept, 'utf8'))));
    const chain = await http<{ data: { valid: boolean } }>(api, 'GET', '/v1/audit-trail/verify', { headers: auditor });
    expect(chain.body.data.valid).toBe(true);
    const forged = await nextPack();
    expect(forged.code).toBe(1);
    expect(
      forged.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(':')[0]),
    ).toEqual([
      'ok keys',
      'ok sha256sums',
      'ok sums-signature',
      'ok manifest-signature',
      'ok checkpoint-signature',
      'ok inclusion',
      'ok since-signature',
      'ok since-origin',
      'FAIL consistency',
    ]);
  });

  it('should pack threat cases and the audit trail with the same files and checks as alerts', async () => {
    const tenant = await world.tenant('Evidence resources');
    const writer = world.bearer(tenant, ['alerts:read', 'alerts:write', 'cases:read', 'cases:write'], 'analyst');
    const ids = await alerts(tenant, writer, 2);
    const created = await http<{ data: { id: string } }>(api, 'POST', '/v1/threat-cases', {
      body: { alert_ids: ids, title: 'Badge cloning at door 4' },
      headers: writer,
    });
    expect(created.status).toBe(201);
    const reader = world.bearer(tenant, ['cases:read', 'audit:read', 'exports:read', 'exports:write'], 'reviewer');
    const files = [...PACK_FILES].sort();
    // CSV cells of ids that look like numbers are written as ="…" so that Excel keeps them as text (an event's seq is a number).
    const column = async (dir: string, name: string) => {
      const [header, ...rows] = parseCsv((await readFile(join(dir, 'data.csv'), 'utf8')).slice(1));
      return rows.map((row) => row[header.indexOf(name)].replace(/^="(.*)"$/, '$1'));
    };

    const cases = await pack(reader, { resource: 'threat_cases', scope: 'all' });
    expect(cases.status.file_name).toMatch(/^threat-cases-\d{8}-exp_[0-9A-Z]{26}\.zip$/);
    expect(cases.files).toEqual(files);
    expect((await run('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: cases.dir })).stdout).toBe('');
    expect(await column(cases.dir, 'id')).toEqual([created.body.data.id]);
    expect((await pdfText(await readFile(join(cases.dir, 'report.pdf')))).text).toContain(cases.status.manifest?.data_sha256 as string);

    const trail = await pack(reader, { resource: 'audit_trail', scope: 'all' });
    expect(trail.files).toEqual(files);
    expect((await run('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: trail.dir })).stdout).toBe('');
    const seqs = (await column(trail.dir, 'seq')).map(Number);
    expect(seqs.length).toBeGreaterThan(3);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const hashes = await column(trail.dir, 'hash');
    const chain = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, seq: { lte: BigInt(seqs.length) } }, orderBy: { seq: 'asc' } });
    expect(hashes).toEqual(chain.map((event) => event.hash));
    const verification = JSON.parse(await readFile(join(trail.dir, 'audit-trail-verification.json'), 'utf8')) as Verification;
    expect(verification).toEqual(expect.objectContaining({ tenant_id: tenant.id, valid: true, first_seq: 1 }));
    expect(verification.last_seq).toBeGreaterThanOrEqual(seqs.length);
  });

  it('should sign the manifest of every format, so that the verifier ties a CSV, an XLSX and a PDF to it, and print the checkpoint in the PDF', async () => {
    const tenant = await world.tenant('Evidence formats');
    const writer = world.bearer(tenant, ['alerts:read', 'alerts:write'], 'analyst');
    const auditor = world.bearer(tenant, ['alerts:read', 'audit:read', 'exports:read', 'exports:write'], 'auditor');
    await alerts(tenant, writer, 2);
    const keys = join(work, `${tenant.id}-keys.json`);
    await writeFile(keys, (await http(api, 'GET', '/.well-known/alert-ledger/keys', { headers: auditor })).text);
    for (const format of ['csv', 'xlsx', 'pdf']) {
      const started = await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', {
        body: { resource: 'alerts', format, scope: 'all' },
        headers: auditor,
      });
      const status = await waitForExport(api, started.body.data.job_id, auditor);
      expect(status.manifest_signature).toMatch(/^alert-ledger\.test [A-Za-z0-9+/]{86}==$/);
      const file = join(work, `${status.job_id}.${format}`);
      await writeFile(file, (await downloadExport(api, status.job_id, auditor)).bytes);
      const job = join(work, `${status.job_id}.json`);
      await writeFile(job, (await http(api, 'GET', `/v1/exports/${status.job_id}`, { headers: auditor })).text);
      const checked = await run(process.execPath, [VERIFIER, '--export', job, '--keys', keys, file]);
      expect({
        format,
        lines: checked.stdout
          .trim()
          .split('\n')
          .map((line) => line.split(':')[0]),
      }).toEqual({
        format,
        lines: ['ok keys', 'ok manifest-signature', 'ok file-sha256'],
      });
      // A manifest edited after signing, in the saved answer: the signature no longer holds.
      const edited = JSON.parse(await readFile(job, 'utf8')) as { data: { manifest: { row_count: number } } };
      edited.data.manifest.row_count += 1;
      await writeFile(job, JSON.stringify(edited));
      const refused = await run(process.execPath, [VERIFIER, '--export', job, '--keys', keys, file]).catch((error: { code: number; stdout: string }) => error);
      expect(refused).toMatchObject({ code: 1, stdout: expect.stringMatching(/^FAIL manifest-signature/m) });
      if (format !== 'pdf') continue;
      const printed = /tree size (\d+), root hash \(SHA-256\) ([0-9a-f]{64})/.exec((await pdfText(await readFile(file))).text.replace(/\s+/g, ' '));
      expect(printed).not.toBeNull();
      const signed = await http<{ data: { root_hash: string } }>(api, 'GET', `/v1/audit-trail/checkpoints?tree_size=${printed?.[1]}`, { headers: auditor });
      expect(signed.body.data.root_hash).toBe(printed?.[2]);
    }
  });

  it('should refuse the format under another spelling with 400', async () => {
    const tenant = await world.tenant('Evidence bad');
    const result = await http<{ errors: { field: string; code: string }[] }>(api, 'POST', '/v1/exports', {
      body: { resource: 'alerts', format: 'evidence_pack', scope: 'all' },
      headers: world.bearer(tenant, ['alerts:read', 'exports:write']),
    });
    expect(result.status).toBe(400);
    expect(result.body.errors).toEqual([expect.objectContaining({ field: 'format', code: 'enum' })]);
  });
});
