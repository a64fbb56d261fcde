import { Injectable } from '@nestjs/common';

import { JsonLogger, Principal } from '@app/common';

import { admitAlerts, replacePayloadNul } from './alertmanager-intake';
import { AlertmanagerIngestService } from './alertmanager-ingest.service';
import { AlertmanagerWebhookDto, IngestResultDto } from './dto/alertmanager-webhook.dto';
import { IngestMetrics } from './ingest-metrics';

/**
 * One Alertmanager notification: its texts made storable (NULs replaced), oversized fields cut, each
 * alert admitted or refused on its own, the admitted ones stored in one transaction, and everything
 * counted (IngestMetrics) and what was refused or changed logged with the group key, so that nothing
 * Alertmanager sends is lost silently. Refusals of the whole payload are counted by IngestRefusalFilter.
 */
@Injectable()
export class AlertmanagerWebhookService {
  constructor(
    private readonly store: AlertmanagerIngestService,
    private readonly metrics: IngestMetrics,
    private readonly logger: JsonLogger,
  ) {}

  async receive(payload: AlertmanagerWebhookDto, principal: Principal): Promise<IngestResultDto> {
    const payloadNul = replacePayloadNul(payload);
    const { admitted, refused } = admitAlerts(payload);
    const result = await this.store.ingest(payload, principal, admitted);
    const truncated = admitted.filter((a) => a.truncatedFields.length > 0);
    const nulReplaced = admitted.filter((a) => a.nulReplaced.length > 0);
    result.truncated = truncated.length;
    result.refused = refused.length;
    result.refused_alerts = refused;

    this.metrics.ingestedAlerts(admitted.length);
    this.metrics.refusedAlerts('invalid_alert', refused.length);
    this.metrics.adjustedAlerts('truncated', truncated.length);
    this.metrics.adjustedAlerts('nul_replaced', nulReplaced.length);
    const context = { group_key: payload.groupKey ?? null, receiver: payload.receiver, tenant_id: principal.tenantId };
    if (refused.length > 0) {
      this.logger.warn(`Alertmanager alerts refused: ${refused.length} of ${payload.alerts.length}`, 'ingest', {
        ...context,
        reason: 'invalid_alert',
        refused: refused.map((r) => ({ index: r.index, fingerprint: r.fingerprint, fields: r.errors.map((e) => e.field) })),
      });
    }
    if (truncated.length > 0 || nulReplaced.length > 0 || payloadNul.length > 0) {
      this.logger.warn('Alertmanager alerts stored with fields cut to their limit or NULs replaced', 'ingest', {
        ...context,
        truncated: truncated.map((a) => ({ fingerprint: a.alert.fingerprint, fields: a.truncatedFields })),
        nul_replaced: [...payloadNul, ...nulReplaced.flatMap((a) => a.nulReplaced.map((field) => `${a.alert.fingerprint}:${field}`))],
      });
    }
    return result;
  }
}
