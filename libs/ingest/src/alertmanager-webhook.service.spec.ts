import { JsonLogger, MetricsService, Principal } from '@app/common';
import { AppConfig } from '@app/config';

import { AlertmanagerIngestService } from './alertmanager-ingest.service';
import { AlertmanagerWebhookService } from './alertmanager-webhook.service';
import { AlertmanagerWebhookDto, IngestResultDto } from './dto/alertmanager-webhook.dto';
import { IngestMetrics } from './ingest-metrics';

describe('AlertmanagerWebhookService (counting and logging what a notification brought)', () => {
  const config = AppConfig.fromEnvironment({ JWT_SECRET: 'j'.repeat(32), CURSOR_SECRET: 'c'.repeat(32), LOG_LEVEL: 'warn' });
  const principal = { tenantId: 'tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4' } as Principal;
  const alert = (fingerprint: string, extra: object = {}) => ({
    status: 'firing',
    labels: { alertname: 'A' },
    startsAt: '2026-05-12T07:46:50Z',
    fingerprint,
    ...extra,
  });

  it('should store the admitted alerts, count the refused and cut ones, and log them with the group key', async () => {
    const lines: Record<string, unknown>[] = [];
    const metrics = new MetricsService();
    const stored: string[] = [];
    const store = {
      ingest: (_payload: AlertmanagerWebhookDto, _principal: Principal, alerts: { alert: { fingerprint: string } }[]) => {
        stored.push(...alerts.map((a) => a.alert.fingerprint));
        return Promise.resolve({
          created: alerts.length,
          updated: 0,
          resolved: 0,
          unchanged: 0,
          truncated_alerts: 0,
          truncated: 0,
          refused: 0,
          refused_alerts: [],
        } as IngestResultDto);
      },
    } as unknown as AlertmanagerIngestService;
    const service = new AlertmanagerWebhookService(
      store,
      new IngestMetrics(metrics),
      new JsonLogger(config, { write: (line: string) => lines.push(JSON.parse(line)) }),
    );
    const payload = {
      version: '4',
      status: 'firing',
      receiver: 'soc',
      groupKey: '{}:{alertname="A"}',
      alerts: [alert('ok'), alert('long', { annotations: { description: 'd'.repeat(10_001) } }), alert('broken', { status: 'pending' })],
    } as unknown as AlertmanagerWebhookDto;

    const result = await service.receive(payload, principal);

    expect(stored).toEqual(['ok', 'long']);
    expect([result.created, result.truncated, result.refused, result.refused_alerts.map((r) => r.fingerprint)]).toEqual([2, 1, 1, ['broken']]);
    const text = await metrics.render();
    expect(text).toContain('alert_ledger_alerts_ingested_total 2');
    expect(text).toContain('alert_ledger_alerts_refused_total{reason="invalid_alert"} 1');
    expect(text).toContain('alert_ledger_alerts_adjusted_total{adjustment="truncated"} 1');
    expect(lines.map((line) => [line.level, line.group_key])).toEqual([
      ['warn', '{}:{alertname="A"}'],
      ['warn', '{}:{alertname="A"}'],
    ]);
    expect(lines[0].refused).toEqual([{ index: 2, fingerprint: 'broken', fields: ['alerts[2].status'] }]);
    expect(lines[1].truncated).toEqual([{ fingerprint: 'long', fields: ['annotations.description'] }]);
  });
});
