import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { JsonLogger, ProblemResponder } from '@app/common';
import { IngestMetrics, RefusalReason } from '@app/ingest';

const REASON_BY_STATUS: Record<number, RefusalReason> = { 400: 'invalid_payload', 401: 'unauthenticated', 403: 'forbidden', 429: 'rate_limited' };

/**
 * A webhook refused as a whole (an invalid payload, a wrong key, a missing scope, a failure) is counted
 * in alert_ledger_alerts_refused_total, one per alert it held, and logged with its group key, then
 * answered as every other problem. Alertmanager resends it at the next group interval.
 */
@Catch()
export class IngestRefusalFilter implements ExceptionFilter {
  constructor(
    private readonly responder: ProblemResponder,
    private readonly metrics: IngestMetrics,
    private readonly logger: JsonLogger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const status = this.responder.toProblem(exception, request).problemType.status;
    const body = request.body as { alerts?: unknown; groupKey?: unknown; receiver?: unknown } | undefined;
    const alerts = Array.isArray(body?.alerts) ? body.alerts.length : 0;
    const reason = REASON_BY_STATUS[status] ?? 'failed';
    this.metrics.refusedAlerts(reason, alerts);
    this.logger.warn(`Alertmanager payload refused with ${status}: ${alerts} alerts not stored`, 'ingest', {
      reason,
      status,
      alerts,
      group_key: typeof body?.groupKey === 'string' ? body.groupKey.slice(0, 2_000) : null,
      receiver: typeof body?.receiver === 'string' ? body.receiver.slice(0, 200) : null,
    });
    this.responder.send(exception, request, http.getResponse<FastifyReply>());
  }
}
