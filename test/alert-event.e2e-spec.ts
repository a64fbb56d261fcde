import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { downloadExport, parseCsv, pdfText, startExport, waitForExport } from './utils/exports';
import { World } from './utils/world';

process.env.EXPORTS_IN_PROCESS = 'true';

const run = promisify(execFile);

/** A valid 1×1 PNG, a JPEG header and a WebP header built from bytes, a GIF, and noise. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const GIF = Buffer.from(
  'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;',
  'latin1',
);

interface ImageAnswer {
  url: string;
  content_type: string | null;
  size: number | null;
}
interface EventAnswer {
  id: string;
  analytic_id: string | null;
  stream_name: string | null;
  stream_latitude: number | null;
  event_time: string | null;
  primary_image?: ImageAnswer | null;
  secondary_image?: ImageAnswer | null;
  [key: string]: unknown;
}
interface AlertAnswer {
  id: string;
  alertable_type: string;
  event: EventAnswer | null;
}

/** Seed 000's event, as its alert-history detail shows it, with a PNG as a data URL. */
function seedEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 5801,
    analytic_id: 'FR',
    stream_id: 'stream-uuid-xyz',
    stream_name: 'Pintu Masuk Utama',
    stream_latitude: -6.2088,
    stream_longitude: 106.8456,
    primary_image: `data:image/png;base64,${PNG.toString('base64')}`,
    secondary_image: null,
    label: 'Unknown',
    result: 'unknown',
    location: 'Lantai 1, Gedung A',
    status: 'active',
    logic: 'face_recognition',
    event_time: '2025-04-30T15:14:58+07:00',
    created_at: '2025-04-30T08:14:59Z',
    pipeline_event_id: 'event_stream-uuid-xyz_1746000898',
    ...overrides,
  };
}

/**
 * Seed 000's alert kinds and event context: `event` on event alerts, images stored as attachments in the
 * export storage and answered as URLs that need the same credentials, the slim event in the list, the
 * event's columns in exports and its primary image in the PDF report with include_images.
 */
describe('event alerts with images', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let writer: Record<string, string>;
  let created: AlertAnswer;

  const alert = (body: Record<string, unknown>) =>
    http<{ data: AlertAnswer } & { errors?: { field: string; pointer: string; code: string; description: string }[] }>(api, 'POST', '/v1/alerts', {
      headers: writer,
      body: { type: 'face', source: 'lenz', title: 'Unknown face', severity: 'critical', ...body },
    });
  const countAlerts = (of: Tenant) => world.prisma.alert.count({ where: { tenantId: of.id } });

  beforeAll(async () => {
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Lenz events'), world.tenant('Lenz elsewhere')]);
    writer = world.bearer(tenant, ['alerts:read', 'alerts:write', 'exports:read', 'exports:write'], 'lenz-analyst');
    const answer = await alert({ alertable_type: 'event', alertable_id: 'event_stream-uuid-xyz_1746000898', event: seedEvent() });
    expect(answer.status).toBe(201);
    created = answer.body.data;
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should accept every alertable_type of seed 000, alone and in a batch', async () => {
    for (const type of ['event', 'manual', 'system', 'scheduled', 'external']) {
      const answer = await alert({ alertable_type: type, title: `A ${type} alert` });
      expect(answer.status).toBe(201);
      expect(answer.body.data.alertable_type).toBe(type);
    }
    const batch = await http<{ data: { created: AlertAnswer[]; errors: unknown[] } }>(api, 'POST', '/v1/alerts/batch', {
      headers: writer,
      body: { alerts: ['system', 'scheduled'].map((type) => ({ type: 'x', source: 'lenz', title: type, severity: 'low', alertable_type: type })) },
    });
    expect(batch.body.data.created.map((a) => a.alertable_type)).toEqual(['system', 'scheduled']);
    expect((await alert({ alertable_type: 'other' })).status).toBe(400);
  });

  it('should answer the event in the detail as seed 000 shows it, the image as an API URL with its type and size', async () => {
    expect(created.event).toEqual({
      id: '5801',
      analytic_id: 'FR',
      stream_id: 'stream-uuid-xyz',
      stream_name: 'Pintu Masuk Utama',
      stream_latitude: -6.2088,
      stream_longitude: 106.8456,
      label: 'Unknown',
      result: 'unknown',
      location: 'Lantai 1, Gedung A',
      status: 'active',
      logic: 'face_recognition',
      event_time: '2025-04-30T08:14:58.000Z',
      created_at: '2025-04-30T08:14:59.000Z',
      pipeline_event_id: 'event_stream-uuid-xyz_1746000898',
      primary_image: { url: `/v1/alerts/${created.id}/images/primary`, content_type: 'image/png', size: PNG.length },
      secondary_image: null,
    });
    const detail = await http<{ data: AlertAnswer }>(api, 'GET', `/v1/alerts/${created.id}`, { headers: writer });
    expect(detail.body.data.event).toEqual(created.event);
    const byAlertable = await http<{ data: AlertAnswer }>(api, 'GET', '/v1/alerts/by-alertable/event/event_stream-uuid-xyz_1746000898', { headers: writer });
    expect(byAlertable.body.data.event).toEqual(created.event);
    // The row holds a reference, never the bytes.
    const row = await world.prisma.alert.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row.event)).not.toContain(PNG.toString('base64'));
    expect(row.event).toMatchObject({ primary_image: { content_type: 'image/png', size: PNG.length, sha256: createHash('sha256').update(PNG).digest('hex') } });
  });

  it('should serve the image bytes as sent, with their type, length, ETag and nosniff, to the same credentials only', async () => {
    const url = (created.event?.primary_image as ImageAnswer).url;
    const response = await fetch(`${api.baseUrl}${url}`, { headers: writer });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe(String(PNG.length));
    expect(response.headers.get('etag')).toBe(`"${createHash('sha256').update(PNG).digest('hex')}"`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const again = await fetch(`${api.baseUrl}${url}`, { headers: { ...writer, 'if-none-match': response.headers.get('etag') as string } });
    expect(again.status).toBe(304);

    expect((await http(api, 'GET', url)).status).toBe(401);
    const stranger = await http<{ type: string }>(api, 'GET', url, { headers: world.bearer(other, ['alerts:read']) });
    expect(stranger.status).toBe(404);
    expect(stranger.headers.get('content-type')).toContain('application/problem+json');
    const absent = await http<{ type: string }>(api, 'GET', `/v1/alerts/${created.id}/images/secondary`, { headers: writer });
    expect(absent.status).toBe(404);
    expect(absent.body.type).toContain('resource-not-found');
    expect((await http(api, 'GET', `/v1/alerts/${created.id}/images/third`, { headers: writer })).status).toBe(400);
  });

  it('should carry the event without its images in the list', async () => {
    const list = await http<{ items: AlertAnswer[] }>(api, 'GET', '/v1/alerts?alertable_type=event&alertable_id=event_stream-uuid-xyz_1746000898', {
      headers: writer,
    });
    expect(list.body.items).toHaveLength(1);
    const { primary_image: _p, secondary_image: _s, ...slim } = created.event as EventAnswer;
    expect(list.body.items[0].event).toEqual(slim);
  });

  it('should refuse a GIF, bytes of no image, an oversize image and a data URL that lies about its type, storing no alert', async () => {
    const before = await countAlerts(tenant);
    const cases: [string, string, string][] = [
      [GIF.toString('base64'), 'format', 'GIF'],
      [createHash('sha512').update('noise').digest().toString('base64'), 'format', 'none of them'],
      [Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]).toString('base64'), 'length', '5 MiB'],
      [`data:image/jpeg;base64,${PNG.toString('base64')}`, 'format', 'declares image/jpeg'],
    ];
    for (const [image, code, words] of cases) {
      const answer = await alert({ alertable_type: 'event', event: seedEvent({ id: 'refused', primary_image: image }) });
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ type: expect.stringContaining('alert-image-refused') });
      expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'event.primary_image', pointer: '/body/event/primary_image', code })]);
      expect(answer.body.errors?.[0].description).toContain(words);
    }
    expect(await countAlerts(tenant)).toBe(before);
  });

  it('should refuse an event on an alert that is not an event alert, and unknown or out-of-range event fields (400)', async () => {
    const before = await countAlerts(tenant);
    const manual = await alert({ event: seedEvent({ primary_image: null }) });
    expect(manual.status).toBe(400);
    expect(manual.body.errors).toEqual([expect.objectContaining({ field: 'event', description: expect.stringContaining('alertable_type is event') })]);
    expect((await alert({ alertable_type: 'external', event: { id: '1' } })).status).toBe(400);
    const bad = await alert({ alertable_type: 'event', event: { id: 1.5, stream_latitude: 91, colour: 'red', event_time: 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['event.colour', 'event.event_time', 'event.id', 'event.stream_latitude']);
    expect(await countAlerts(tenant)).toBe(before);
  });

  it('should keep an https image URL as given without fetching it, and a JPEG as a second image', async () => {
    const answer = await alert({
      alertable_type: 'event',
      event: seedEvent({ id: 'evt-url', primary_image: 'https://images.invalid/faces/5801.jpg', secondary_image: JPEG.toString('base64') }),
    });
    expect(answer.status).toBe(201);
    const { id, event } = answer.body.data;
    expect(event?.primary_image).toEqual({ url: 'https://images.invalid/faces/5801.jpg', content_type: null, size: null });
    expect(event?.secondary_image).toEqual({ url: `/v1/alerts/${id}/images/secondary`, content_type: 'image/jpeg', size: JPEG.length });
    expect((await http(api, 'GET', `/v1/alerts/${id}/images/primary`, { headers: writer })).status).toBe(404);
    const second = await fetch(`${api.baseUrl}/v1/alerts/${id}/images/secondary`, { headers: writer });
    expect(Buffer.from(await second.arrayBuffer())).toEqual(JPEG);
    expect((await alert({ alertable_type: 'event', event: seedEvent({ primary_image: 'http://images.invalid/a.jpg' }) })).status).toBe(422);
  });

  it('should store events of a batch, and report a refused image by index while storing the rest', async () => {
    const batch = await http<{ data: { created: AlertAnswer[]; created_indexes: number[]; errors: { index: number; errors: { field: string }[] }[] } }>(
      api,
      'POST',
      '/v1/alerts/batch',
      {
        headers: writer,
        body: {
          alerts: [
            { type: 'face', source: 'lenz', title: 'Batch face', severity: 'high', alertable_type: 'event', event: seedEvent({ id: 'b-1' }) },
            {
              type: 'face',
              source: 'lenz',
              title: 'Batch gif',
              severity: 'high',
              alertable_type: 'event',
              event: seedEvent({ id: 'b-2', primary_image: GIF.toString('base64') }),
            },
            { type: 'face', source: 'lenz', title: 'Batch manual', severity: 'high', event: { id: 'b-3' } },
          ],
        },
      },
    );
    expect(batch.status).toBe(200);
    expect(batch.body.data.created_indexes).toEqual([0]);
    expect(batch.body.data.created[0].event).toMatchObject({ id: 'b-1', primary_image: { content_type: 'image/png', size: PNG.length } });
    expect(batch.body.data.errors.map((e) => [e.index, e.errors.map((v) => v.field)])).toEqual([
      [1, ['alerts[1].event.primary_image']],
      [2, ['alerts[2].event']],
    ]);
    const image = await fetch(`${api.baseUrl}${(batch.body.data.created[0].event?.primary_image as ImageAnswer).url}`, { headers: writer });
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);
  });

  it('should export the event columns in CSV', async () => {
    const id = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'selected', ids: [created.id] }, writer);
    await waitForExport(api, id, writer);
    const rows = parseCsv((await downloadExport(api, id, writer)).bytes.toString('utf8').replace(/^\uFEFF/, ''));
    const column = (name: string) => rows[1][rows[0].indexOf(name)];
    expect(column('event_analytic_id')).toBe('FR');
    expect(column('event_stream_name')).toBe('Pintu Masuk Utama');
    expect(column('event_label')).toBe('Unknown');
    expect(column('event_result')).toBe('unknown');
    expect(column('event_time')).toBe('2025-04-30T08:14:58.000Z');
  });

  it('should put the primary image in the PDF report with include_images, and no image without it', async () => {
    const images = async (includeImages: boolean) => {
      const id = await startExport(api, { resource: 'alerts', format: 'pdf', scope: 'selected', ids: [created.id], include_images: includeImages }, writer);
      await waitForExport(api, id, writer);
      const pdf = (await downloadExport(api, id, writer)).bytes;
      const dir = await mkdtemp(join(tmpdir(), 'alert-event-pdf-'));
      try {
        await writeFile(join(dir, 'report.pdf'), pdf);
        const { stdout } = await run('pdfimages', ['-list', join(dir, 'report.pdf')]);
        // page, num, type, width, height…: the images proper (a PNG's alpha is a second entry, its smask).
        const list = stdout
          .split('\n')
          .slice(2)
          .map((line) => line.trim().split(/\s+/))
          .filter((cells) => cells[2] === 'image');
        const { text, pages } = await pdfText(pdf);
        return { list, text, pages };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    const withImages = await images(true);
    // Cover, summary, controls, one table page, then the image page: the 1×1 PNG on page 5 of 5.
    expect(withImages.list.map((cells) => cells.slice(0, 5))).toEqual([['5', '0', 'image', '1', '1']]);
    expect(withImages.pages).toBe(5);
    expect(withImages.text).toContain('Evidence images');
    expect(withImages.text).toContain('Page 5 of 5');
    const without = await images(false);
    expect(without.list).toEqual([]);
    expect(without.pages).toBe(4);
    expect(without.text).not.toContain('Evidence images');
  });
});
