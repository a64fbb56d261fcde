import { PrismaPg } from '@prisma/adapter-pg';

import { ApiKeyStore, mintDevToken, Scope } from '@app/auth';
import { publicId } from '@app/common';
import { Prisma, PrismaClient, Tenant } from '@app/database';

import { startApi, TestApi } from './api';

/**
 * Test data made straight in the run's database (tenants, API keys) and credentials for it, so that
 * e2e specs can act as any principal over real HTTP.
 */
export class World {
  readonly prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL as string }) });
  readonly apiKeys = new ApiKeyStore(this.prisma);
  private counter = 0;

  async tenant(name = 'Tenant'): Promise<Tenant> {
    const id = publicId('tnt');
    return this.prisma.tenant.create({ data: { id, name: `${name} ${id.slice(-6)}`, slug: `t-${id.slice(-12).toLowerCase()}-${++this.counter}` } });
  }

  token(tenant: Pick<Tenant, 'id'>, scopes: Scope[], sub = 'tester'): string {
    return mintDevToken(process.env.JWT_SECRET as string, {
      sub,
      tenantId: tenant.id,
      scopes,
      issuer: process.env.JWT_ISSUER || null,
      audience: process.env.JWT_AUDIENCE || null,
    });
  }

  bearer(tenant: Pick<Tenant, 'id'>, scopes: Scope[], sub = 'tester'): Record<string, string> {
    return { authorization: `Bearer ${this.token(tenant, scopes, sub)}` };
  }

  /** An admin principal of its own tenant. */
  async admin(): Promise<Record<string, string>> {
    return this.bearer(await this.tenant('Operators'), ['admin'], 'root-operator');
  }

  async apiKey(tenant: Pick<Tenant, 'id'>, scopes: Scope[], expiresAt?: Date): Promise<{ id: string; headers: Record<string, string> }> {
    const { apiKey, secret } = await this.apiKeys.create({ tenantId: tenant.id, name: 'test key', scopes, createdBy: 'e2e', expiresAt });
    return { id: apiKey.id, headers: { 'x-api-key': secret } };
  }

  close(): Promise<void> {
    return this.prisma.$disconnect();
  }
}

let alertCounter = 0;

/** An alert row with sensible defaults, for inserting straight into the database. */
export function alertRow(tenantId: string, fields: Partial<Prisma.AlertUncheckedCreateInput> = {}): Prisma.AlertUncheckedCreateInput {
  const createdAt = (fields.createdAt as Date | undefined) ?? new Date();
  return {
    id: publicId('alr', createdAt.getTime()),
    tenantId,
    type: 'intrusion',
    source: 'ids-suricata',
    title: `Test alert ${++alertCounter}`,
    severity: 'medium',
    alertableType: 'event',
    alertableId: `event-${alertCounter}`,
    startsAt: createdAt,
    createdAt,
    updatedAt: createdAt,
    ...fields,
  };
}

/** An export job row (pending, a CSV of every alert) with sensible defaults, for inserting straight into the database. */
export function exportJobRow(tenantId: string, fields: Partial<Prisma.ExportJobUncheckedCreateInput> = {}): Prisma.ExportJobUncheckedCreateInput {
  return {
    id: publicId('exp'),
    tenantId,
    resource: 'alerts',
    format: 'csv',
    scope: 'all',
    timezone: 'UTC',
    locale: 'en',
    totalRecords: 0,
    requestedBy: 'tester',
    requestedByType: 'jwt',
    asOf: new Date(),
    ...fields,
  };
}

/**
 * The api on a real port and a World for one describe block: started in beforeAll, closed in afterAll.
 * `api` is read inside tests (it exists once beforeAll ran).
 */
export function apiWithWorld(): { readonly api: TestApi; world: World } {
  const world = new World();
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
    await world.close();
  });
  return {
    world,
    get api(): TestApi {
      if (!api) throw new Error('the api starts in beforeAll');
      return api;
    },
  };
}
