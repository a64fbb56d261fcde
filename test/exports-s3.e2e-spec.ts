import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';

import { Tenant } from '@app/database';
import { ExportStorage, ExportSweeper } from '@app/exports';

import { http, startApi, TestApi, withApiEnv } from './utils/api';
import { downloadExport, startExport, waitForExport } from './utils/exports';
import { privateSwift, PrivateSwift } from './utils/swift';
import { alertRow, World } from './utils/world';

/** A valid 1×1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Exports with EXPORT_STORAGE=s3 against a real S3 server: a private OpenStack Swift with its s3api
 * middleware (scripts/swift.sh), never a mock. Files land in the bucket, downloads stream from it
 * (whole and by range), deletion and expiry remove the object, and a store that is down or refuses
 * the credentials fails the job with an error_message that says so.
 */
describe('exports in an S3-compatible store (Swift)', () => {
  const world = new World();
  const exportDir = process.env.EXPORT_DIR as string;
  const saved: Record<string, string | undefined> = {};
  let swift: PrivateSwift;
  let api: TestApi;
  let closed = false;
  let tenant: Tenant;
  let auditor: Record<string, string>;

  const object = (key: string) => swift.client.send(new HeadObjectCommand({ Bucket: swift.bucket, Key: key }));
  const objectBytes = async (key: string) =>
    Buffer.from(await ((await swift.client.send(new GetObjectCommand({ Bucket: swift.bucket, Key: key }))).Body?.transformToByteArray() ?? []));
  const gone = (key: string) => expect(object(key)).rejects.toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });

  beforeAll(async () => {
    swift = await privateSwift();
    const env = { ...swift.env, EXPORTS_IN_PROCESS: 'true' };
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    api = await startApi();
    tenant = await world.tenant('Object storage');
    auditor = world.bearer(tenant, ['alerts:read', 'alerts:write', 'exports:read', 'exports:write'], 'auditor');
    const start = Date.UTC(2025, 6, 1);
    await world.prisma.alert.createMany({ data: Array.from({ length: 120 }, (_, i) => alertRow(tenant.id, { createdAt: new Date(start + i * 60_000) })) });
  }, 180_000);

  afterAll(async () => {
    if (!closed) await api?.close();
    await swift?.remove();
    await world.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }, 120_000);

  it('should store a CSV export in the bucket, not on local disk, and serve it whole and by range with the manifest’s SHA-256', async () => {
    const id = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'all' }, auditor);
    const status = await waitForExport(api, id, auditor);
    expect(status).toMatchObject({ status: 'completed', file_ready: true, attempts: 1 });
    const key = `${tenant.id}/${id}.csv`;
    expect((await object(key)).ContentLength).toBe(status.size_bytes);
    const stored = await objectBytes(key);
    expect(sha256(stored)).toBe(status.sha256);
    expect(status.manifest?.file_sha256).toBe(status.sha256);
    expect(existsSync(join(exportDir, tenant.id, `${id}.csv`))).toBe(false);
    expect(existsSync(join(exportDir, '.work', id))).toBe(false);

    const whole = await downloadExport(api, id, auditor);
    expect(whole.status).toBe(200);
    expect(whole.bytes.equals(stored)).toBe(true);
    expect(whole.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(status.sha256 as string, 'hex').toString('base64')}:`);
    expect(whole.headers.get('content-length')).toBe(String(stored.length));

    const part = await fetch(`${api.baseUrl}/v1/exports/${id}/download`, { headers: { ...auditor, range: 'bytes=100-1123' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1123/${stored.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(stored.subarray(100, 1124))).toBe(true);
    const tail = await fetch(`${api.baseUrl}/v1/exports/${id}/download`, { headers: { ...auditor, range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(stored.subarray(stored.length - 10))).toBe(true);
  });

  it('should upload a file larger than a part in parts, from a stream, and read a range across parts back', async () => {
    const storage = api.app.get(ExportStorage);
    const work = await storage.workDir('multipart');
    const file = join(work, 'big.bin');
    const bytes = randomBytes(11 * 1024 * 1024 + 17); // three parts of at most 5 MiB
    await writeFile(file, bytes);
    const key = `${tenant.id}/multipart.bin`;
    await storage.put(file, key);
    expect(existsSync(file)).toBe(false);
    expect(await storage.size(key)).toBe(bytes.length);
    expect((await object(key)).ETag).toMatch(/-3"$/); // a multipart object's ETag names its part count
    const chunks: Buffer[] = [];
    for await (const chunk of storage.read(key, { start: 5 * 1024 * 1024 - 3, end: 10 * 1024 * 1024 + 2 })) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes.subarray(5 * 1024 * 1024 - 3, 10 * 1024 * 1024 + 3))).toBe(true);
    await storage.remove(key);
    expect(await storage.size(key)).toBeNull();
    await storage.discardWork('multipart');
  });

  it('should remove the object when the export is deleted, and when it expires', async () => {
    const deleted = await startExport(api, { resource: 'alerts', format: 'ndjson', scope: 'all' }, auditor);
    await waitForExport(api, deleted, auditor);
    await object(`${tenant.id}/${deleted}.ndjson`);
    expect((await http(api, 'DELETE', `/v1/exports/${deleted}`, { headers: auditor })).status).toBe(204);
    await gone(`${tenant.id}/${deleted}.ndjson`);

    const expiring = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'all' }, auditor);
    await waitForExport(api, expiring, auditor);
    await object(`${tenant.id}/${expiring}.csv`);
    await world.prisma.exportJob.update({ where: { id: expiring }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await http(api, 'GET', `/v1/exports/${expiring}/download`, { headers: auditor })).status).toBe(410);
    await api.app.get(ExportSweeper).sweep();
    await gone(`${tenant.id}/${expiring}.csv`);
    expect((await world.prisma.exportJob.findUniqueOrThrow({ where: { id: expiring } })).status).toBe('expired');
  });

  it('should keep an event alert’s image in the bucket and serve it from there', async () => {
    const created = await http<{ data: { id: string } }>(api, 'POST', '/v1/alerts', {
      headers: auditor,
      body: {
        type: 'face',
        source: 'lenz',
        title: 'Unknown face',
        severity: 'high',
        alertable_type: 'event',
        alertable_id: 'event-s3',
        event: { id: 1, primary_image: `data:image/png;base64,${PNG.toString('base64')}` },
      },
    });
    expect(created.status).toBe(201);
    expect((await objectBytes(`${tenant.id}/attachments/alert-images/${sha256(PNG)}.png`)).equals(PNG)).toBe(true);
    const image = await fetch(`${api.baseUrl}/v1/alerts/${created.body.data.id}/images/primary`, { headers: auditor });
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('should retry an export while the store is down, saying so, and complete it once the store is back; downloads answer 503 meanwhile', async () => {
    const earlier = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'all' }, auditor);
    await waitForExport(api, earlier, auditor);
    await swift.stop();
    let down = true;
    try {
      const id = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'all' }, auditor);
      const retrying = await waitForExport(api, id, auditor, (s) => s.error_message !== null);
      expect(retrying).toMatchObject({ status: 'pending', attempts: 1, file_ready: false });
      expect(retrying.error_message).toBe(
        `Attempt 1 failed, retrying: The export storage failed: the object store is unreachable: ECONNREFUSED (storing ${tenant.id}/${id}.csv in bucket ${swift.bucket} at ${swift.endpoint}).`,
      );
      expect(existsSync(join(exportDir, '.work', id))).toBe(false);
      const download = await http(api, 'GET', `/v1/exports/${earlier}/download`, { headers: auditor });
      expect(download.status).toBe(503);
      expect(download.headers.get('retry-after')).not.toBeNull();
      await swift.start();
      down = false;
      const done = await waitForExport(api, id, auditor);
      expect(done).toMatchObject({ status: 'completed', file_ready: true });
      expect(done.attempts).toBeGreaterThan(1);
      expect(sha256(await objectBytes(`${tenant.id}/${id}.csv`))).toBe(done.sha256);
    } finally {
      if (down) await swift.start();
    }
  }, 180_000);

  it('should answer downloads with a redirect to a presigned URL of the store with S3_PRESIGNED_DOWNLOADS, which serves the file and a range', async () => {
    const id = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'all' }, auditor);
    const status = await waitForExport(api, id, auditor);
    await withApiEnv({ S3_PRESIGNED_DOWNLOADS: 'true', EXPORTS_IN_PROCESS: 'false' }, async (presigning) => {
      const url = `${presigning.baseUrl}/v1/exports/${id}/download`;
      const redirect = await fetch(url, { headers: auditor, redirect: 'manual' });
      expect(redirect.status).toBe(307);
      const location = redirect.headers.get('location') as string;
      expect(location.startsWith(`${swift.endpoint}/${swift.bucket}/${tenant.id}/${id}.csv?`)).toBe(true);
      expect(location).toContain('X-Amz-Signature=');
      expect(redirect.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(status.sha256 as string, 'hex').toString('base64')}:`);
      // fetch follows the redirect as a browser does: the store answers, without our credentials.
      const followed = await fetch(url, { headers: auditor });
      expect(followed.status).toBe(200);
      expect(followed.headers.get('content-disposition')).toBe(`attachment; filename="${status.file_name}"`);
      expect(followed.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const bytes = Buffer.from(await followed.arrayBuffer());
      expect(sha256(bytes)).toBe(status.sha256);
      const part = await fetch(url, { headers: { ...auditor, range: 'bytes=5-14' } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(5, 15))).toBe(true);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: id, action: 'export.download' } })).toBe(3);
    });
  });

  it('should fail the job at once, writing nothing, when the store refuses the credentials', async () => {
    // Only the api with the wrong secret may take the job.
    await api.close();
    closed = true;
    await withApiEnv({ S3_SECRET_ACCESS_KEY: 'not-the-secret' }, async (refused) => {
      const id = await startExport(refused, { resource: 'alerts', format: 'csv', scope: 'all' }, auditor);
      const status = await waitForExport(refused, id, auditor);
      expect(status).toMatchObject({ status: 'failed', attempts: 1, file_ready: false });
      expect(status.error_message).toBe(
        `The export storage failed: the store refused the credentials (SignatureDoesNotMatch): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (storing ${tenant.id}/${id}.csv in bucket ${swift.bucket} at ${swift.endpoint}).`,
      );
      await gone(`${tenant.id}/${id}.csv`);
      expect(existsSync(join(exportDir, '.work', id))).toBe(false);
    });
  });
});
