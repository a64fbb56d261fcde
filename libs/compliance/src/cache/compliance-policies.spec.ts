import type { RedisService } from '@app/common';
import type { AppConfig } from '@app/config';
import type { PrismaService } from '@app/database';

import { CompliancePolicies } from './compliance-policies';

/** A database whose settings reads can be held back, to race a load against an invalidation. */
function fakes() {
  let retentionDays = 400;
  let release: (() => void) | null = null;
  let hold = false;
  const loads = { count: 0 };
  const prisma = {
    complianceSettings: {
      findUnique: async () => {
        loads.count++;
        const value = retentionDays;
        if (hold) await new Promise<void>((resolve) => (release = resolve));
        return { tenantId: 'tnt_1', retentionDays: value, noteRequiredFrom: 'high', fourEyesClose: false, updatedAt: new Date(), updatedBy: 'x', version: 1 };
      },
    },
    controlRule: { findMany: async () => [] },
  } as unknown as PrismaService;
  const published: string[] = [];
  const redis = { client: { publish: async (_channel: string, tenant: string) => published.push(tenant) } } as unknown as RedisService;
  const config = { redisPrefix: 'test' } as AppConfig;
  return {
    policies: new CompliancePolicies(prisma, redis, config),
    loads,
    published,
    set: (days: number) => (retentionDays = days),
    holdNextLoad: () => (hold = true),
    releaseLoad: () => {
      hold = false;
      release?.();
    },
  };
}

describe('CompliancePolicies', () => {
  it('should load a tenant once and answer later reads from memory', async () => {
    const { policies, loads } = fakes();
    await policies.get('tnt_1');
    await policies.get('tnt_1');
    expect(loads.count).toBe(1);
  });

  it('should reload after an invalidation and tell the other processes', async () => {
    const { policies, loads, published, set } = fakes();
    await policies.get('tnt_1');
    set(500);
    await policies.invalidate('tnt_1');
    expect((await policies.get('tnt_1')).settings.retentionDays).toBe(500);
    expect(loads.count).toBe(2);
    expect(published).toEqual(['tnt_1']);
  });

  it('should not keep what a load read before an invalidation that overtook it', async () => {
    const { policies, set, holdNextLoad, releaseLoad } = fakes();
    holdNextLoad();
    const stale = policies.get('tnt_1');
    set(600);
    await policies.invalidate('tnt_1');
    releaseLoad();
    expect((await stale).settings.retentionDays).toBe(400);
    expect((await policies.get('tnt_1')).settings.retentionDays).toBe(600);
  });
});
