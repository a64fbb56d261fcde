/**
 * Operator commands: `npm run cli -- <command>`.
 *   api-keys create --tenant <id|slug> --name <name> --scopes a,b [--expires-in 30d | --expires-at <RFC 3339>]   prints the key once
 *                   (an `auditor` key must expire: --expires-in or --expires-at is required)
 *   api-keys list [--tenant <id|slug>]
 *   api-keys revoke <ak_id>
 *   token mint --tenant <id|slug> --scopes a,b [--sub <subject>] [--ttl <seconds>]             a development JWT (HS256, JWT_SECRET; ttl up to JWT_MAX_TTL_SECONDS)
 *   tenants create --slug <slug> --name <name> [--id tnt_…]                                    idempotent: the same tenant again changes nothing
 *   tenants list
 * Every change is written to the tenant's audit trail with the actor `cli`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { appendAuditEvent } from '../libs/audit-trail/src/audit-trail.writer';
import { ApiKeyStore } from '../libs/auth/src/api-keys/api-key-store';
import { mintDevToken } from '../libs/auth/src/hs256';
import { isScope, SCOPES } from '../libs/auth/src/scopes';
import { AppConfig, loadDotEnv } from '../libs/config/src';
import { publicId, TENANT_ID } from '../libs/common/src/ids/public-id';
import { PrismaClient, Tenant } from '../libs/database/src/generated/prisma/client';
import { CreateTenantDto } from '../libs/tenants/src/dto/create-tenant.dto';

class UsageError extends Error {}
/** The request conflicts with what is stored (exit 65, EX_DATAERR). */
class ConflictError extends Error {}

/**
 * `tenants create`: validated as POST /v1/tenants validates (CreateTenantDto), written with its audit event
 * as the API writes it. The same slug, name (and id, when given) again is not an error: it changes nothing.
 */
async function createTenant(prisma: PrismaClient, flags: Record<string, string>, cli: { id: string; type: 'system' }): Promise<void> {
  const name = flags.name?.trim();
  const dto = plainToInstance(CreateTenantDto, { slug: flags.slug, name });
  const problems = validateSync(dto).flatMap((error) => Object.values(error.constraints ?? {}).map((message) => `--${error.property}: ${message}`));
  if (flags.id !== undefined && !TENANT_ID.test(flags.id))
    problems.push('--id: a tenant id is tnt_ and 26 characters of Crockford base32 (leave it out to have one made)');
  if (problems.length) throw new UsageError(problems.join('; '));
  const existing = await prisma.tenant.findFirst({ where: { OR: [{ slug: dto.slug }, ...(flags.id ? [{ id: flags.id }] : [])] } });
  if (existing) {
    if (existing.slug === dto.slug && existing.name === dto.name && (!flags.id || existing.id === flags.id)) {
      console.log(`Tenant exists: ${existing.id}\t${existing.slug}\t${existing.name} (nothing changed).`);
      return;
    }
    throw new ConflictError(
      `tenant ${existing.id} (slug ${existing.slug}, name "${existing.name}") already holds this ${existing.slug === dto.slug ? 'slug' : 'id'}; nothing changed`,
    );
  }
  const tenant = await prisma
    .$transaction(async (tx) => {
      const created = await tx.tenant.create({ data: { id: flags.id ?? publicId('tnt'), name: dto.name, slug: dto.slug } });
      await appendAuditEvent(tx, {
        tenantId: created.id,
        action: 'tenant.create',
        resourceType: 'tenant',
        resourceId: created.id,
        actor: cli,
        details: { name: created.name, slug: created.slug },
      });
      return created;
    })
    .catch((error: unknown) => {
      // Another process took the slug or id between the look-up and the insert.
      if ((error as { code?: string }).code === 'P2002')
        throw new ConflictError(`the slug ${dto.slug}${flags.id ? ` or the id ${flags.id}` : ''} was just taken by another tenant; nothing changed`);
      throw error;
    });
  console.log(`Created ${tenant.id}\t${tenant.slug}\t${tenant.name}.`);
}

function options(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--')) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${args[i]} needs a value`);
      flags[args[i].slice(2)] = value;
      i++;
    } else positional.push(args[i]);
  }
  return { positional, flags };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--expires-in 30d` (m, h, d) or `--expires-at <RFC 3339>`, not both; null when neither is given. */
function expiryOf(flags: Record<string, string>, now = new Date()): Date | null {
  if (flags['expires-in'] && flags['expires-at']) throw new UsageError('give --expires-in or --expires-at, not both');
  if (flags['expires-in']) {
    const match = /^(\d{1,5})([mhd])$/.exec(flags['expires-in']);
    if (!match || Number(match[1]) === 0) throw new UsageError('--expires-in takes a duration such as 90m, 12h or 30d');
    return new Date(now.getTime() + Number(match[1]) * UNIT_MS[match[2]]);
  }
  if (!flags['expires-at']) return null;
  const at = new Date(flags['expires-at']);
  if (Number.isNaN(at.getTime())) throw new UsageError('--expires-at takes an RFC 3339 timestamp');
  if (at <= now) throw new UsageError('--expires-at must be in the future');
  return at;
}

function scopesOf(text: string | undefined): string[] {
  const scopes = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !isScope(s));
  if (!scopes.length || unknown.length)
    throw new UsageError(`--scopes takes a comma-separated list of: ${SCOPES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  return scopes;
}

async function tenantOf(prisma: PrismaClient, ref: string | undefined): Promise<Tenant> {
  if (!ref) throw new UsageError('--tenant is required (a tenant id or slug)');
  const tenant = await prisma.tenant.findFirst({ where: { OR: [{ id: ref }, { slug: ref }] } });
  if (!tenant) throw new UsageError(`no tenant ${ref}`);
  return tenant;
}

async function run(prisma: PrismaClient, config: AppConfig, argv: string[]): Promise<void> {
  const [group, command, ...rest] = argv;
  const { positional, flags } = options(rest);
  const keys = new ApiKeyStore(prisma);
  const cli = { id: 'cli', type: 'system' as const };
  switch (`${group} ${command}`) {
    case 'api-keys create': {
      const tenant = await tenantOf(prisma, flags.tenant);
      if (!flags.name) throw new UsageError('--name is required');
      const expiresAt = expiryOf(flags);
      const scopes = scopesOf(flags.scopes);
      if (scopes.includes('auditor') && !expiresAt) throw new UsageError('an auditor key must expire: add --expires-in (such as 30d) or --expires-at');
      const { apiKey, secret } = await prisma.$transaction(async (tx) => {
        const created = await new ApiKeyStore(tx as unknown as PrismaClient).create({
          tenantId: tenant.id,
          name: flags.name,
          scopes,
          createdBy: 'cli',
          expiresAt,
        });
        await appendAuditEvent(tx, {
          tenantId: tenant.id,
          action: 'api_key.create',
          resourceType: 'api_key',
          resourceId: created.apiKey.id,
          actor: cli,
          details: { name: flags.name, scopes: created.apiKey.scopes, expires_at: expiresAt?.toISOString() ?? null },
        });
        return created;
      });
      console.log(`Created ${apiKey.id} for ${tenant.slug} with scopes ${apiKey.scopes.join(' ')}${expiresAt ? `, expiring ${expiresAt.toISOString()}` : ''}.`);
      console.log('The key is shown this once; store it now:');
      console.log(secret);
      return;
    }
    case 'api-keys list': {
      const tenant = flags.tenant ? await tenantOf(prisma, flags.tenant) : null;
      const rows = await keys.list(tenant?.id);
      for (const key of rows) {
        const state = key.revokedAt
          ? `revoked ${key.revokedAt.toISOString()}`
          : key.expiresAt && key.expiresAt < new Date()
            ? 'expired'
            : key.expiresAt
              ? `active until ${key.expiresAt.toISOString()}`
              : 'active';
        console.log(
          [key.id, key.tenantId, `${key.prefix}…`, key.name, key.scopes.join(','), state, `last used ${key.lastUsedAt?.toISOString() ?? 'never'}`].join('\t'),
        );
      }
      if (!rows.length) console.log('no API keys');
      return;
    }
    case 'api-keys revoke': {
      const id = positional[0];
      if (!id) throw new UsageError('usage: api-keys revoke <ak_id>');
      const revoked = await prisma.$transaction(async (tx) => {
        const key = await new ApiKeyStore(tx as unknown as PrismaClient).revoke(id);
        if (key) await appendAuditEvent(tx, { tenantId: key.tenantId, action: 'api_key.revoke', resourceType: 'api_key', resourceId: key.id, actor: cli });
        return key;
      });
      if (!revoked) throw new UsageError(`no API key ${id}`);
      console.log(`Revoked ${revoked.id} (${revoked.revokedAt?.toISOString()}).`);
      return;
    }
    case 'token mint': {
      const tenant = await tenantOf(prisma, flags.tenant);
      const ttl = flags.ttl ? Number(flags.ttl) : Math.min(24 * 3600, config.jwtMaxTtlSeconds);
      if (!Number.isInteger(ttl) || ttl < 1) throw new UsageError('--ttl takes a whole number of seconds');
      if (ttl > config.jwtMaxTtlSeconds)
        throw new UsageError(`--ttl may be at most JWT_MAX_TTL_SECONDS (${config.jwtMaxTtlSeconds}): the api refuses longer-lived tokens`);
      console.log(
        mintDevToken(config.jwtSecret, {
          sub: flags.sub ?? 'cli-user',
          tenantId: tenant.id,
          scopes: scopesOf(flags.scopes),
          ttlSeconds: ttl,
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
        }),
      );
      return;
    }
    case 'tenants create':
      return createTenant(prisma, flags, cli);
    case 'tenants list': {
      for (const tenant of await prisma.tenant.findMany({ orderBy: { createdAt: 'asc' } })) console.log(`${tenant.id}\t${tenant.slug}\t${tenant.name}`);
      return;
    }
    default:
      throw new UsageError('commands: api-keys create|list|revoke, token mint, tenants create|list (see scripts/cli.ts)');
  }
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = AppConfig.fromEnvironment();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: 2 }) });
  try {
    await run(prisma, config, process.argv.slice(2));
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof UsageError || error instanceof ConflictError;
  console.error(known ? `cli: ${error.message}` : error instanceof Error ? error.message : error);
  process.exit(error instanceof UsageError ? 64 : error instanceof ConflictError ? 65 : 1);
});
