import { Injectable } from '@nestjs/common';

import { checkIfMatch, Page, Paginator, Principal, publicId } from '@app/common';
import { InjectScopedPrisma, keysetReads, Prisma, ScopedPrismaClient, ThreatCaseTask } from '@app/database';

import type { ScopedTx } from '../threat-case-alert-links';
import { MAX_CASE_TASKS } from './case-work-enums';
import { caseTaskLimit, taskNotFound } from './case-work-errors';
import { changeCaseWork, quoted, requireVersion, requireVisibleCase } from './case-work';
import { CreateCaseTaskDto, ListCaseTasksQueryDto, UpdateCaseTaskDto } from './dto/case-task.dto';

const SORT_FIELDS = { created_at: 'createdAt', updated_at: 'updatedAt' } as const;

/** What the audit trail keeps of a task. */
function describe(task: ThreatCaseTask): Prisma.InputJsonObject {
  return { title: task.title, status: task.status, assignee: task.assignee, done_at: task.doneAt?.toISOString() ?? null };
}

/** The timeline's words for a change: the fields that changed, from → to. */
function changes(before: ThreatCaseTask, after: ThreatCaseTask): string {
  const parts: string[] = [];
  if (before.title !== after.title) parts.push(`title ${quoted(before.title)} → ${quoted(after.title)}`);
  if (before.status !== after.status) parts.push(`status ${before.status} → ${after.status}`);
  if (before.assignee !== after.assignee) parts.push(`assignee ${before.assignee ?? '(none)'} → ${after.assignee ?? '(none)'}`);
  if (before.description !== after.description) parts.push('description changed');
  return parts.join('; ');
}

/**
 * A threat case's tasks (TheHive): list, read, add, change and delete. Each change locks the case,
 * answers 404 for a case of another tenant or a deleted one, and lands in the case timeline and the audit
 * trail; a change of a task honours If-Match against its version (412).
 */
@Injectable()
export class CaseTasksService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
  ) {}

  async list(caseId: string, query: ListCaseTasksQueryDto, principal: Principal): Promise<Page<ThreatCaseTask>> {
    await requireVisibleCase(this.db, caseId);
    const sortBy = query.sort_by ?? 'created_at';
    const where: Prisma.ThreatCaseTaskWhereInput = {
      caseId,
      ...(query.status?.length ? { status: { in: query.status } } : {}),
      ...(query.assignee?.length ? { assignee: { in: query.assignee } } : {}),
    };
    return this.paginator.paginate<ThreatCaseTask>(query, {
      sortBy,
      scope: { resource: 'threat-case-tasks', tenant: principal.isAdmin ? '*' : principal.tenantId, where },
      sortValue: (task) => task[SORT_FIELDS[sortBy]],
      id: (task) => task.id,
      ...keysetReads<ThreatCaseTask>(this.db.threatCaseTask, where, SORT_FIELDS[sortBy]),
    });
  }

  async get(caseId: string, taskId: string): Promise<ThreatCaseTask> {
    await requireVisibleCase(this.db, caseId);
    const task = await this.db.threatCaseTask.findFirst({ where: { id: taskId, caseId } });
    if (!task) throw taskNotFound(taskId);
    return task;
  }

  /** Adds a task (409 past MAX_CASE_TASKS); created completed, it is done now. */
  create(caseId: string, dto: CreateCaseTaskDto, principal: Principal): Promise<ThreatCaseTask> {
    return changeCaseWork(this.db, caseId, principal, async (tx, tc, now) => {
      if ((await tx.threatCaseTask.count({ where: { caseId } })) >= MAX_CASE_TASKS) throw caseTaskLimit(caseId);
      const status = dto.status ?? 'waiting';
      const task = await tx.threatCaseTask.create({
        data: {
          id: publicId('tct', now.getTime()),
          tenantId: tc.tenantId,
          caseId,
          title: dto.title,
          description: dto.description ?? null,
          status,
          assignee: dto.assignee ?? null,
          doneAt: status === 'completed' ? now : null,
          createdAt: now,
          createdBy: principal.subject,
          updatedAt: now,
          updatedBy: principal.subject,
        },
      });
      return {
        result: task,
        record: {
          event: { type: 'TASK_CREATED', message: `Task ${task.id} ${quoted(task.title)} added (${task.status})` },
          audit: { action: 'threat_case.task_create', details: { task_id: task.id, ...describe(task) } },
        },
      };
    });
  }

  /** Changes the fields given; completed sets done_at, leaving completed clears it. A change that changes nothing writes nothing. */
  update(caseId: string, taskId: string, dto: UpdateCaseTaskDto, ifMatch: string | undefined, principal: Principal): Promise<ThreatCaseTask> {
    checkIfMatch(ifMatch);
    return changeCaseWork(this.db, caseId, principal, async (tx, _tc, now) => {
      const before = await this.locked(tx, caseId, taskId);
      requireVersion(ifMatch, before.version);
      const status = dto.status ?? before.status;
      const next = {
        title: dto.title ?? before.title,
        description: dto.description === undefined ? before.description : dto.description,
        status,
        assignee: dto.assignee === undefined ? before.assignee : dto.assignee,
        doneAt: status !== 'completed' ? null : before.status === 'completed' ? before.doneAt : now,
      };
      const said = changes(before, { ...before, ...next });
      if (!said) return { result: before, record: null };
      const after = await tx.threatCaseTask.update({
        where: { id: taskId },
        data: { ...next, updatedAt: now, updatedBy: principal.subject, version: { increment: 1 } },
      });
      return {
        result: after,
        record: {
          event: { type: 'TASK_UPDATED', message: `Task ${taskId} ${quoted(after.title)}: ${said}` },
          audit: { action: 'threat_case.task_update', details: { task_id: taskId, from: describe(before), to: describe(after) } },
        },
      };
    });
  }

  async delete(caseId: string, taskId: string, ifMatch: string | undefined, principal: Principal): Promise<void> {
    checkIfMatch(ifMatch);
    await changeCaseWork(this.db, caseId, principal, async (tx) => {
      const task = await this.locked(tx, caseId, taskId);
      requireVersion(ifMatch, task.version);
      await tx.threatCaseTask.deleteMany({ where: { id: taskId } });
      return {
        result: undefined,
        record: {
          event: { type: 'TASK_DELETED', message: `Task ${taskId} ${quoted(task.title)} deleted` },
          audit: { action: 'threat_case.task_delete', details: { task_id: taskId, ...describe(task) } },
        },
      };
    });
  }

  /** The task of the case, read under the case's lock (404 when it is not the case's). */
  private async locked(tx: ScopedTx, caseId: string, taskId: string): Promise<ThreatCaseTask> {
    const task = await tx.threatCaseTask.findFirst({ where: { id: taskId, caseId } });
    if (!task) throw taskNotFound(taskId);
    return task;
  }
}
