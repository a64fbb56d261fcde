import { Module } from '@nestjs/common';

import { continueTrace, Principal, ProblemException, RequestContextStore } from '@app/common';
import { Alert, Tenant } from '@app/database';

import { integrationSuite } from '../../../test/utils/integration';
import { alertRow } from '../../../test/utils/world';
import { AlertLifecycleService } from './alert-lifecycle.service';
import { LifecycleAction } from './alert-state-machine';
import { AlertsModule } from './alerts.module';

/** Lifecycle changes never touch event images: a storage that holds nothing. */
const NO_FILES = Symbol('NO_FILES');
@Module({ providers: [{ provide: NO_FILES, useValue: {} }], exports: [NO_FILES] })
class NoFilesModule {}

describe('AlertLifecycleService against PostgreSQL (no HTTP)', () => {
  const suite = integrationSuite({ imports: [AlertsModule.register({ imports: [NoFilesModule], files: NO_FILES })] });
  let lifecycle: AlertLifecycleService;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    lifecycle = suite.module.get(AlertLifecycleService);
    [tenant, other] = await Promise.all([suite.world.tenant('Lifecycle'), suite.world.tenant('Lifecycle elsewhere')]);
  });

  const principal = (of: Tenant, subject = 'analyst-1'): Principal => ({
    kind: 'jwt',
    subject,
    tenantId: of.id,
    scopes: new Set(['alerts:write']),
    isAdmin: false,
    credentialId: subject,
  });

  /** Runs a change as a request of `who` would: the tenant-scoped client reads the principal from the request context. */
  function act(id: string, action: LifecycleAction, who = principal(tenant), options: { note?: string; ifMatch?: string } = {}): Promise<Alert> {
    return RequestContextStore.run({ requestId: 'int-spec', method: 'POST', trace: continueTrace(undefined), startedAt: 0n, principal: who }, () =>
      lifecycle.transition(id, action, options.note, options.ifMatch, who),
    );
  }

  async function alert(fields: Parameters<typeof alertRow>[1] = {}): Promise<Alert> {
    return suite.world.prisma.alert.create({ data: alertRow(tenant.id, fields) });
  }

  const problem = (work: Promise<unknown>) =>
    work.then(
      () => null,
      (error: unknown) => (error instanceof ProblemException ? error.problemType.slug : error),
    );
  const timeline = async (id: string) =>
    (await suite.world.prisma.alertTimelineEntry.findMany({ where: { alertId: id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map((entry) => [
      entry.action,
      entry.fromStatus,
      entry.toStatus,
      entry.actor,
    ]);
  const audit = async (id: string) =>
    (await suite.world.prisma.auditEvent.findMany({ where: { resourceId: id }, orderBy: { seq: 'asc' } })).map((event) => [
      event.action,
      event.actor,
      event.details,
    ]);

  it('should move an alert through acknowledge and resolve, bumping the version and writing one timeline entry and one audit event each', async () => {
    const created = await alert({ severity: 'low' });
    const acknowledged = await act(created.id, 'acknowledge', principal(tenant, 'alice'), { ifMatch: '"1"' });
    expect(acknowledged).toEqual(expect.objectContaining({ status: 'acknowledged', acknowledgedBy: 'alice', version: 2 }));
    const resolved = await act(created.id, 'resolve', principal(tenant, 'bob'), { note: 'patched' });
    expect(resolved).toEqual(expect.objectContaining({ status: 'resolved', resolvedBy: 'bob', version: 3 }));
    expect(resolved.endsAt).toEqual(resolved.resolvedAt);
    expect(await timeline(created.id)).toEqual([
      ['acknowledged', 'open', 'acknowledged', 'alice'],
      ['resolved', 'acknowledged', 'resolved', 'bob'],
    ]);
    expect(await audit(created.id)).toEqual([
      ['alert.acknowledge', 'alice', { from: 'open', to: 'acknowledged', note: null }],
      ['alert.resolve', 'bob', { from: 'acknowledged', to: 'resolved', note: 'patched' }],
    ]);
  });

  it('should refuse an action the status does not allow, a stale If-Match and a missing note, and change nothing', async () => {
    const closed = await alert({ status: 'dismissed', severity: 'critical' });
    const open = await alert({ severity: 'critical' });
    expect(await problem(act(closed.id, 'acknowledge'))).toBe('invalid-transition');
    expect(await problem(act(open.id, 'acknowledge', principal(tenant), { ifMatch: '"7"' }))).toBe('precondition-failed');
    // The default settings ask a note of high and critical alerts to resolve them.
    expect(await problem(act(open.id, 'resolve'))).toBe('alert-note-required');
    for (const unchanged of [closed, open]) {
      expect(await suite.world.prisma.alert.findUniqueOrThrow({ where: { id: unchanged.id } })).toEqual(
        expect.objectContaining({ status: unchanged.status, version: 1 }),
      );
      expect(await timeline(unchanged.id)).toEqual([]);
      expect(await audit(unchanged.id)).toEqual([]);
    }
  });

  it("should answer not found for another tenant's alert and leave it as it was", async () => {
    const theirs = await suite.world.prisma.alert.create({ data: alertRow(other.id) });
    expect(await problem(act(theirs.id, 'acknowledge'))).toBe('resource-not-found');
    expect((await suite.world.prisma.alert.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('open');
  });

  it('should let one of two concurrent acknowledgements win and refuse the other as a transition from acknowledged', async () => {
    const contested = await alert();
    const outcomes = await Promise.all([
      problem(act(contested.id, 'acknowledge', principal(tenant, 'alice'))),
      problem(act(contested.id, 'acknowledge', principal(tenant, 'bob'))),
    ]);
    expect(outcomes.sort()).toEqual(['invalid-transition', null].sort());
    const stored = await suite.world.prisma.alert.findUniqueOrThrow({ where: { id: contested.id } });
    expect(stored.version).toBe(2);
    expect(await timeline(contested.id)).toHaveLength(1);
  });
});
