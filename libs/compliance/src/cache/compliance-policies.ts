import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';

import { RedisService } from '@app/common';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';

import { compileRule, CompiledRule } from '../controls/control-rule-matcher';
import { settingsOf, TenantSettings } from '../settings/tenant-settings';

/** What alert and case code consults per tenant: the settings and the enabled control rules. */
export interface TenantPolicy {
  settings: TenantSettings;
  rules: CompiledRule[];
}

/** A safety net: an entry is reloaded after this long even if an invalidation message was lost. */
const TTL_MS = 60_000;

/**
 * The tenants' policies, cached in memory (ingestion evaluates the rules for every alert and cannot
 * afford a query each time). A change through the API drops the entry here at once and publishes the
 * tenant on Redis, so every other process drops it too; entries also expire after a minute.
 */
@Injectable()
export class CompliancePolicies implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CompliancePolicies.name);
  private readonly entries = new Map<string, { policy: TenantPolicy; loadedAt: number }>();
  /** Bumped by every invalidation: a load that started before it is not cached. */
  private readonly generations = new Map<string, number>();
  private readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    config: AppConfig,
  ) {
    this.channel = `${config.redisPrefix}:compliance:policies`;
  }

  async onModuleInit(): Promise<void> {
    const subscriber = this.redis.client.duplicate();
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, tenantId: string) => this.forget(tenantId));
    this.subscriber = subscriber;
    await subscriber
      .subscribe(this.channel)
      .catch((error: Error) => this.logger.warn(`policy invalidations not received (${error.message}); entries expire after ${TTL_MS / 1000} s`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  async get(tenantId: string): Promise<TenantPolicy> {
    const entry = this.entries.get(tenantId);
    if (entry && Date.now() - entry.loadedAt < TTL_MS) return entry.policy;
    const generation = this.generations.get(tenantId) ?? 0;
    const policy = await this.load(tenantId);
    if ((this.generations.get(tenantId) ?? 0) === generation) this.entries.set(tenantId, { policy, loadedAt: Date.now() });
    return policy;
  }

  /** After a change of the tenant's settings or rules (call it once the change is committed). */
  async invalidate(tenantId: string): Promise<void> {
    this.forget(tenantId);
    await this.redis.client
      .publish(this.channel, tenantId)
      .catch((error: Error) => this.logger.warn(`could not publish a policy invalidation: ${error.message}`));
  }

  private forget(tenantId: string): void {
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
    this.entries.delete(tenantId);
  }

  private async load(tenantId: string): Promise<TenantPolicy> {
    const [row, rules] = await Promise.all([
      this.prisma.complianceSettings.findUnique({ where: { tenantId } }),
      this.prisma.controlRule.findMany({ where: { tenantId, enabled: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    ]);
    return { settings: settingsOf(row), rules: rules.map(compileRule) };
  }
}
