import { Injectable } from '@nestjs/common';

import { CursorCodec, CursorValue, MAX_PAGE_SIZE, Principal, ProblemException, ProblemTypes, toCursorValue } from '@app/common';
import { requestScope } from '@app/database';

import { ThreatCaseQueryDto } from './dto/threat-case-query.dto';
import { invalidField } from './errors/threat-case-errors';
import { CaseCriteria } from './threat-case-where';
import { ThreatCaseDetail, ThreatCasesRepository } from './threat-cases.repository';

/** Cases per answer when the body names neither maxPageSize nor maxResults. */
export const DEFAULT_QUERY_PAGE = 100;

export interface ThreatCaseQueryPage {
  cases: ThreatCaseDetail[];
  lastEvaluatedKey: string | null;
}

function violation(field: string, code: 'range' | 'required' | 'invalid', description: string) {
  return invalidField({ field, pointer: `/body/${field}`, code, description });
}

/** The filters of seed 003's body as the repository's criteria; deleted cases are never queried. */
export function queryCriteria(body: ThreatCaseQueryDto, principal: Principal): CaseCriteria {
  const { afterTimestampMs: after, beforeTimestampMs: before } = body;
  if (after != null && before != null && before <= after) throw violation('beforeTimestampMs', 'range', 'beforeTimestampMs must be after afterTimestampMs');
  return {
    scope: requestScope(principal),
    createdFrom: after != null ? new Date(after) : undefined,
    createdTo: before != null ? new Date(before) : undefined,
    deviceIds: body.deviceFilter ?? undefined,
    locationIds: body.locationFilter ?? undefined,
    statuses: body.statusFilter ?? undefined,
    assignees: body.assigneeFilter ?? undefined,
    severities: body.severityFilter ?? undefined,
    anyTags: body.tagFilter ?? undefined,
    allTags: body.tagsAllFilter ?? undefined,
    includeDeleted: false,
  };
}

/** maxPageSize and maxResults both bound the answer; the smaller wins, and no answer holds more than 200. */
export function queryPageSize(body: ThreatCaseQueryDto): number {
  const bounds = [body.maxPageSize, body.maxResults].filter((n): n is number => typeof n === 'number');
  return Math.min(bounds.length ? Math.min(...bounds) : DEFAULT_QUERY_PAGE, MAX_PAGE_SIZE);
}

/**
 * Seed 003's POST query (Rhombus getAlertMonitoringThreatCases): a forward keyset walk on (created_at, id),
 * newest first unless mostRecent is false. lastEvaluatedKey is a signed cursor bound to the tenant,
 * filters and order; lastTimestampMs + lastUuid are the same position in the clear.
 */
@Injectable()
export class ThreatCaseQueryService {
  constructor(
    private readonly repository: ThreatCasesRepository,
    private readonly codec: CursorCodec,
  ) {}

  async query(body: ThreatCaseQueryDto, principal: Principal): Promise<ThreatCaseQueryPage> {
    const criteria = queryCriteria(body, principal);
    const direction = body.mostRecent === false ? 'asc' : 'desc';
    const binding = CursorCodec.binding({ resource: 'threat-cases/query', criteria, direction });
    const take = queryPageSize(body);
    const rows = await this.repository.readKeyset({ criteria, sortBy: 'created_at', direction, take: take + 1 }, this.startAfter(body, binding));
    const cases = rows.slice(0, take);
    const last = cases[cases.length - 1];
    const lastEvaluatedKey =
      rows.length > take && last ? this.codec.encode({ direction: 'next', key: [toCursorValue(last.createdAt), last.id] }, binding) : null;
    return { cases, lastEvaluatedKey };
  }

  /** Where the page starts: after the lastEvaluatedKey's case, after (lastTimestampMs, lastUuid), or at the start. */
  private startAfter(body: ThreatCaseQueryDto, binding: string): [CursorValue, string] | null {
    const clear = body.lastTimestampMs != null || body.lastUuid != null;
    if (body.lastEvaluatedKey != null) {
      if (clear) throw violation('lastEvaluatedKey', 'invalid', 'send lastEvaluatedKey or lastTimestampMs with lastUuid, not both');
      return this.decode(body.lastEvaluatedKey, binding);
    }
    if (!clear) return null;
    if (body.lastTimestampMs == null) throw violation('lastTimestampMs', 'required', 'lastTimestampMs is required with lastUuid');
    if (body.lastUuid == null) throw violation('lastUuid', 'required', 'lastUuid is required with lastTimestampMs');
    return [toCursorValue(new Date(body.lastTimestampMs)), body.lastUuid];
  }

  private decode(token: string, binding: string): [CursorValue, string] {
    try {
      const position = this.codec.decode(token, binding);
      if (position.direction !== 'next' || typeof position.key[1] !== 'string') throw new Error('not a query key');
      return position.key;
    } catch {
      throw new ProblemException(ProblemTypes.invalidCursor, {
        errors: [
          {
            field: 'lastEvaluatedKey',
            pointer: '/body/lastEvaluatedKey',
            code: 'format',
            description: 'lastEvaluatedKey was not issued for this query (same filters and order) or was altered.',
          },
        ],
      });
    }
  }
}
