import { Injectable } from '@nestjs/common';

import { appendAuditEvent, ScopedTx } from '@app/audit-trail';
import {
  checkIfMatch,
  ifMatchAccepts,
  Page,
  Paginator,
  parseInstant,
  parseTimestamp,
  Principal,
  ProblemException,
  ProblemTypes,
  publicId,
  staleVersion,
} from '@app/common';
import { InjectScopedPrisma, keysetReads, MaintenanceWindow, Prisma, ScopedPrismaClient } from '@app/database';

import { CreateMaintenanceWindowDto, ListMaintenanceWindowsQueryDto, UpdateMaintenanceWindowDto } from './dto/maintenance-window.dto';
import { MaintenanceProblems } from './errors/maintenance-problems';

export function maintenanceWindowNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'maintenance window', id } });
}

/** The most windows one tenant may have that have not ended: each alert created is matched against every active one. */
export const MAX_OPEN_WINDOWS = 200;

function windowLimit(open: number): ProblemException {
  return new ProblemException(MaintenanceProblems.maintenanceWindowLimit, { args: { limit: MAX_OPEN_WINDOWS }, extensions: { limit: MAX_OPEN_WINDOWS, open } });
}

/**
 * 409 when the tenant has MAX_OPEN_WINDOWS windows that have not ended (besides `except`, the one a PATCH
 * changes). Serialised per tenant by a transaction lock, so two creates at once cannot both take the last place.
 */
async function requireRoom(tx: { $queryRaw<T>(query: Prisma.Sql): Prisma.PrismaPromise<T> }, tenantId: string, now: Date, except?: string): Promise<void> {
  await tx.$queryRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`maintenance-windows:${tenantId}`}, 0))::text`);
  const [{ open }] = await tx.$queryRaw<{ open: number }[]>(
    Prisma.sql`SELECT count(*)::int AS open FROM maintenance_windows WHERE tenant_id = ${tenantId} AND ends_at > ${now} ${except ? Prisma.sql`AND id <> ${except}` : Prisma.empty}`,
  );
  if (open >= MAX_OPEN_WINDOWS) throw windowLimit(open);
}

/** 400 unless the window ends after it starts (checked on the fields as they will be, a PATCH's merged with the stored ones). */
function requireOrder(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() > startsAt.getTime()) return;
  throw new ProblemException(ProblemTypes.validationError, {
    errors: [{ field: 'ends_at', pointer: '/body/ends_at', code: 'range', description: 'ends_at must be after starts_at', value: endsAt.toISOString() }],
  });
}

/** What the audit trail keeps of a window: everything it says. */
function describe(window: MaintenanceWindow): Prisma.InputJsonObject {
  return {
    name: window.name,
    description: window.description,
    starts_at: window.startsAt.toISOString(),
    ends_at: window.endsAt.toISOString(),
    source: window.source,
    labels: window.labels as Prisma.InputJsonObject,
    system_key: window.systemKey,
  };
}

/**
 * The tenant's maintenance windows: list, read, create, change and delete, each change audited. A deleted
 * window is removed (its audit events keep what it was); alerts it suppressed keep its id.
 */
@Injectable()
export class MaintenanceWindowsService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
  ) {}

  list(query: ListMaintenanceWindowsQueryDto, principal: Principal): Promise<Page<MaintenanceWindow>> {
    const at = query.active_at ? (parseInstant(query.active_at, 'UTC') as Date) : null;
    const where: Prisma.MaintenanceWindowWhereInput = at ? { startsAt: { lte: at }, endsAt: { gt: at } } : {};
    return this.paginator.paginate<MaintenanceWindow>(query, {
      sortBy: 'created_at',
      scope: { resource: 'maintenance-windows', tenant: principal.isAdmin ? '*' : principal.tenantId, where: at ? { active_at: at.toISOString() } : {} },
      sortValue: (window) => window.createdAt,
      id: (window) => window.id,
      ...keysetReads<MaintenanceWindow>(this.db.maintenanceWindow, where, 'createdAt'),
    });
  }

  async get(id: string): Promise<MaintenanceWindow> {
    const window = await this.db.maintenanceWindow.findFirst({ where: { id } });
    if (!window) throw maintenanceWindowNotFound(id);
    return window;
  }

  create(dto: CreateMaintenanceWindowDto, principal: Principal): Promise<MaintenanceWindow> {
    const [startsAt, endsAt] = [parseTimestamp(dto.starts_at) as Date, parseTimestamp(dto.ends_at) as Date];
    requireOrder(startsAt, endsAt);
    const now = new Date();
    const tenantId = principal.tenantId;
    return this.db.$transaction(async (tx) => {
      if (endsAt.getTime() > now.getTime()) await requireRoom(tx, tenantId, now);
      const created = await tx.maintenanceWindow.create({
        data: {
          id: publicId('mnt', now.getTime()),
          tenantId,
          name: dto.name,
          description: dto.description ?? null,
          startsAt,
          endsAt,
          source: dto.source ?? null,
          labels: dto.labels ?? {},
          systemKey: dto.system_key ?? null,
          createdAt: now,
          createdBy: principal.subject,
          updatedAt: now,
        },
      });
      // Last: the audit append takes the tenant's chain lock, held until the commit.
      await appendAuditEvent(
        tx,
        { tenantId, action: 'maintenance_window.create', resourceType: 'maintenance_window', resourceId: created.id, details: describe(created) },
        now,
      );
      return created;
    });
  }

  /** Changes the fields given (If-Match: the version it is based on); a change that changes nothing writes nothing. */
  update(id: string, dto: UpdateMaintenanceWindowDto, ifMatch: string | undefined): Promise<MaintenanceWindow> {
    checkIfMatch(ifMatch);
    const now = new Date();
    return this.db.$transaction(async (tx) => {
      const before = await this.locked(tx, id, ifMatch);
      const data = {
        name: dto.name ?? before.name,
        description: dto.description === undefined ? before.description : dto.description,
        startsAt: dto.starts_at === undefined ? before.startsAt : (parseTimestamp(dto.starts_at) as Date),
        endsAt: dto.ends_at === undefined ? before.endsAt : (parseTimestamp(dto.ends_at) as Date),
        source: dto.source === undefined ? before.source : dto.source,
        labels: (dto.labels ?? before.labels) as Record<string, string>,
        systemKey: dto.system_key === undefined ? before.systemKey : dto.system_key,
      };
      requireOrder(data.startsAt, data.endsAt);
      if (JSON.stringify(describe({ ...before, ...data })) === JSON.stringify(describe(before))) return before;
      // An ended window moved into the future takes a place among the open ones.
      if (before.endsAt.getTime() <= now.getTime() && data.endsAt.getTime() > now.getTime()) await requireRoom(tx, before.tenantId, now, id);
      const updated = await tx.maintenanceWindow.update({ where: { id }, data: { ...data, updatedAt: now, version: { increment: 1 } } });
      await appendAuditEvent(
        tx,
        {
          tenantId: before.tenantId,
          action: 'maintenance_window.update',
          resourceType: 'maintenance_window',
          resourceId: id,
          details: { from: describe(before), to: describe(updated) },
        },
        now,
      );
      return updated;
    });
  }

  async delete(id: string, ifMatch: string | undefined): Promise<void> {
    checkIfMatch(ifMatch);
    await this.db.$transaction(async (tx) => {
      const found = await this.locked(tx, id, ifMatch);
      await tx.maintenanceWindow.deleteMany({ where: { id } });
      await appendAuditEvent(tx, {
        tenantId: found.tenantId,
        action: 'maintenance_window.delete',
        resourceType: 'maintenance_window',
        resourceId: id,
        details: describe(found),
      });
    });
  }

  /** The window locked for a change (404 when it is not the principal's tenant's), at the version If-Match names (412 otherwise). */
  private async locked(tx: ScopedTx, id: string, ifMatch: string | undefined): Promise<MaintenanceWindow> {
    await tx.$queryRaw`SELECT 1 FROM maintenance_windows WHERE id = ${id} FOR UPDATE`;
    const window = await tx.maintenanceWindow.findFirst({ where: { id } });
    if (!window) throw maintenanceWindowNotFound(id);
    if (!ifMatchAccepts(ifMatch, window.version)) throw staleVersion(ifMatch as string, window.version);
    return window;
  }
}
