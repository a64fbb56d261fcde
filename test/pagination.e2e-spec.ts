import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '@app/database/generated/prisma/client';

import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

interface TenantList {
  items: { id: string; slug: string }[];
  total: number | null;
  pagination: {
    mode: string;
    has_next: boolean;
    has_prev: boolean;
    next_cursor: string | null;
    prev_cursor: string | null;
    total_pages: number | null;
    next_page: number | null;
  };
}

describe('list envelope and pagination (tenants)', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  const world = new World();
  let admin: Record<string, string>;
  const get = <T = Record<string, unknown>>(path: string) => http<T>(api, 'GET', path, { headers: admin });
  const prefix = `pg-${Date.now().toString(36)}`;

  beforeAll(async () => {
    api = await startApi();
    admin = await world.admin();
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL as string }) });
    for (let i = 0; i < 7; i++) {
      const result = await http(api, 'POST', '/v1/tenants', { body: { name: `Paging ${i}`, slug: `${prefix}-${i}` }, headers: admin });
      expect(result.status).toBe(201);
    }
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await world.close();
    await api.close();
  });

  async function allSlugs(): Promise<string[]> {
    const rows = await prisma.tenant.findMany({ orderBy: [{ slug: 'asc' }, { id: 'asc' }] });
    return rows.map((row) => row.slug);
  }

  it('should answer an offset page in the list envelope with the total', async () => {
    const result = await get<TenantList & Record<string, unknown>>('/v1/tenants?page=2&page_size=3&sort_by=slug&sort_direction=asc');
    expect(result.status).toBe(200);
    expect(result.body).toEqual(expect.objectContaining({ code: 0, message: 'OK', request_id: result.headers.get('x-request-id') }));
    const slugs = await allSlugs();
    expect(result.body.items.map((t) => t.slug)).toEqual(slugs.slice(3, 6));
    expect(result.body.total).toBe(slugs.length);
    expect(result.body.pagination).toEqual(
      expect.objectContaining({ mode: 'offset', page: 2, page_size: 3, has_prev: true, prev_page: 1, total_pages: Math.ceil(slugs.length / 3) }),
    );
  });

  it('should walk every row forward by cursor and back again exactly, under concurrent inserts', async () => {
    const seen: string[] = [];
    const pages: TenantList[] = [];
    let path = '/v1/tenants?pagination=cursor&page_size=3&sort_by=slug&sort_direction=asc';
    for (;;) {
      const result = await get<TenantList>(path);
      expect(result.status).toBe(200);
      pages.push(result.body);
      seen.push(...result.body.items.map((t) => t.slug));
      if (pages.length === 1) {
        // An insert sorting before the current position must not shift later pages.
        expect((await http(api, 'POST', '/v1/tenants', { body: { name: 'Early', slug: '0000-early' }, headers: admin })).status).toBe(201);
      }
      if (!result.body.pagination.next_cursor) break;
      path = `/v1/tenants?page_size=3&sort_by=slug&sort_direction=asc&cursor=${encodeURIComponent(result.body.pagination.next_cursor)}`;
    }
    const expected = (await allSlugs()).filter((slug) => slug !== '0000-early');
    expect(seen).toEqual(expected);
    expect(pages[0].pagination.has_prev).toBe(false);
    expect(pages[pages.length - 1].pagination.has_next).toBe(false);

    const last = pages[pages.length - 1];
    const back = await get<TenantList>(
      `/v1/tenants?page_size=3&sort_by=slug&sort_direction=asc&cursor=${encodeURIComponent(last.pagination.prev_cursor as string)}`,
    );
    expect(back.body.items).toEqual(pages[pages.length - 2].items);
  });

  it('should refuse a tampered cursor and a cursor of another sort with 400 invalid-cursor', async () => {
    const first = await get<TenantList>('/v1/tenants?pagination=cursor&page_size=2&sort_by=slug');
    const cursor = first.body.pagination.next_cursor as string;
    const tampered = `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`;
    for (const path of [`/v1/tenants?sort_by=slug&cursor=${encodeURIComponent(tampered)}`, `/v1/tenants?sort_by=name&cursor=${encodeURIComponent(cursor)}`]) {
      const result = await get(path);
      expect(result.status).toBe(400);
      expect(result.body.type).toBe('/problems/invalid-cursor');
      expect(result.body.code).toBe(10000003);
    }
  });

  it('should leave the total out of cursor pages unless asked', async () => {
    const without = await get<TenantList>('/v1/tenants?pagination=cursor');
    expect(without.body.total).toBeNull();
    const withTotal = await get<TenantList>('/v1/tenants?pagination=cursor&include_total=true');
    expect(withTotal.body.total).toBe((await allSlugs()).length);
  });
});
