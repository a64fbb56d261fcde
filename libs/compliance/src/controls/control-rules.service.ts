import { Injectable } from '@nestjs/common';

import { appendAuditEvent } from '@app/audit-trail';
import { FieldViolation, Page, Paginator, Principal, ProblemException, ProblemTypes, publicId } from '@app/common';
import { ControlRule, InjectScopedPrisma, keysetReads, Prisma, ScopedPrismaClient } from '@app/database';

import { CompliancePolicies } from '../cache/compliance-policies';
import { normaliseControls } from './control-ids';
import { ControlRuleMatchDto, CreateControlRuleDto, ListControlRulesQueryDto, UpdateControlRuleDto } from './dto/control-rule.dto';

const MAX_LABELS = 20;

function ruleNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'control rule', id } });
}

/** What class-validator cannot say about a match: that it names a condition, and that labels are strings. */
function matchViolations(match: ControlRuleMatchDto): FieldViolation[] {
  const labels = Object.entries(match.labels ?? {});
  const violations: FieldViolation[] = [];
  if (!match.types?.length && match.source === undefined && labels.length === 0) {
    violations.push({
      field: 'match',
      pointer: '/body/match',
      code: 'required',
      description: 'match needs at least one of types, source or labels (a rule for every alert is not a mapping)',
    });
  }
  if (labels.length > MAX_LABELS)
    violations.push({
      field: 'match.labels',
      pointer: '/body/match/labels',
      code: 'length',
      description: `match.labels takes at most ${MAX_LABELS} labels`,
      limits: { max: MAX_LABELS, unit: 'entries' },
    });
  for (const [key, value] of labels) {
    if (typeof value !== 'string' || value.length > 200 || key.length === 0 || key.length > 100) {
      violations.push({
        field: `match.labels.${key}`,
        pointer: `/body/match/labels/${key}`,
        code: 'type',
        description: 'each label needs a key of 1 to 100 characters and a string value of at most 200',
      });
    }
  }
  return violations;
}

function matchData(match: ControlRuleMatchDto) {
  return { matchTypes: [...new Set(match.types ?? [])], matchSource: match.source ?? null, matchLabels: (match.labels ?? {}) as Prisma.InputJsonObject };
}

/** The tenant's control rule table: list, read, create, change, delete, each change audited and the policy cache refreshed. */
@Injectable()
export class ControlRulesService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
    private readonly policies: CompliancePolicies,
  ) {}

  list(query: ListControlRulesQueryDto, principal: Principal): Promise<Page<ControlRule>> {
    const where: Prisma.ControlRuleWhereInput = {
      ...(query.enabled !== undefined ? { enabled: query.enabled } : {}),
      ...(query.control?.length ? { controls: { hasSome: query.control } } : {}),
    };
    return this.paginator.paginate<ControlRule>(query, {
      sortBy: 'created_at',
      scope: { resource: 'control-rules', tenant: principal.isAdmin ? '*' : principal.tenantId, where },
      sortValue: (rule) => rule.createdAt,
      id: (rule) => rule.id,
      ...keysetReads<ControlRule>(this.db.controlRule, where, 'createdAt'),
    });
  }

  async get(id: string): Promise<ControlRule> {
    const rule = await this.db.controlRule.findFirst({ where: { id } });
    if (!rule) throw ruleNotFound(id);
    return rule;
  }

  async create(dto: CreateControlRuleDto, principal: Principal): Promise<ControlRule> {
    const violations = matchViolations(dto.match);
    if (violations.length) throw new ProblemException(ProblemTypes.validationError, { errors: violations });
    const now = new Date();
    const tenantId = principal.tenantId;
    const rule = await this.db.$transaction(async (tx) => {
      const created = await tx.controlRule.create({
        data: {
          id: publicId('cr', now.getTime()),
          tenantId,
          name: dto.name,
          description: dto.description ?? null,
          controls: normaliseControls(dto.controls),
          ...matchData(dto.match),
          enabled: dto.enabled ?? true,
          createdAt: now,
          createdBy: principal.subject,
          updatedAt: now,
        },
      });
      await appendAuditEvent(
        tx,
        { tenantId, action: 'control_rule.create', resourceType: 'control_rule', resourceId: created.id, details: this.describe(created) },
        now,
      );
      return created;
    });
    await this.policies.invalidate(tenantId);
    return rule;
  }

  async update(id: string, dto: UpdateControlRuleDto): Promise<ControlRule> {
    if (dto.match) {
      const violations = matchViolations(dto.match);
      if (violations.length) throw new ProblemException(ProblemTypes.validationError, { errors: violations });
    }
    const now = new Date();
    const rule = await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM control_rules WHERE id = ${id} FOR UPDATE`;
      const before = await tx.controlRule.findFirst({ where: { id } });
      if (!before) throw ruleNotFound(id);
      const updated = await tx.controlRule.update({
        where: { id },
        data: {
          ...(dto.name !== undefined ? { name: dto.name } : {}),
          ...(dto.description !== undefined ? { description: dto.description } : {}),
          ...(dto.controls ? { controls: normaliseControls(dto.controls) } : {}),
          ...(dto.match ? matchData(dto.match) : {}),
          ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}),
          updatedAt: now,
          version: { increment: 1 },
        },
      });
      await appendAuditEvent(
        tx,
        {
          tenantId: before.tenantId,
          action: 'control_rule.update',
          resourceType: 'control_rule',
          resourceId: id,
          details: { from: this.describe(before), to: this.describe(updated) },
        },
        now,
      );
      return updated;
    });
    await this.policies.invalidate(rule.tenantId);
    return rule;
  }

  /** Deleting a rule leaves the controls it assigned on the alerts (they are the record of what was mapped then). */
  async delete(id: string): Promise<void> {
    const rule = await this.db.$transaction(async (tx) => {
      const found = await tx.controlRule.findFirst({ where: { id } });
      if (!found) throw ruleNotFound(id);
      await tx.controlRule.deleteMany({ where: { id } });
      await appendAuditEvent(tx, {
        tenantId: found.tenantId,
        action: 'control_rule.delete',
        resourceType: 'control_rule',
        resourceId: id,
        details: this.describe(found),
      });
      return found;
    });
    await this.policies.invalidate(rule.tenantId);
  }

  private describe(rule: ControlRule): Prisma.InputJsonObject {
    return {
      name: rule.name,
      controls: rule.controls,
      match: { types: rule.matchTypes, source: rule.matchSource, labels: rule.matchLabels as Prisma.InputJsonObject },
      enabled: rule.enabled,
    };
  }
}
