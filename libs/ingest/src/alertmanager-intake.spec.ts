import { admitAlerts, cutText, replacePayloadNul } from './alertmanager-intake';
import { AlertmanagerWebhookDto } from './dto/alertmanager-webhook.dto';

const alert = (fingerprint: string, extra: Record<string, unknown> = {}) => ({
  status: 'firing',
  labels: { alertname: 'A' },
  annotations: { summary: 's' },
  startsAt: '2026-05-12T07:46:50Z',
  fingerprint,
  ...extra,
});
const payload = (alerts: unknown[], extra: Record<string, unknown> = {}) =>
  ({ version: '4', status: 'firing', receiver: 'soc', alerts, ...extra }) as unknown as AlertmanagerWebhookDto;

describe('admitAlerts (the Alertmanager intake)', () => {
  it('should cut a text at its limit but never between the halves of a surrogate pair', () => {
    expect(cutText('abcdef', 4)).toBe('abcd');
    expect(cutText('abc🚨', 4)).toBe('abc');
    expect(cutText('short', 10)).toBe('short');
  });

  it('should cut values over their limit and name them, keeping the alert', () => {
    const { admitted, refused } = admitAlerts(
      payload([
        alert('f1', {
          annotations: { description: 'd'.repeat(13_600) },
          labels: { alertname: 'A', 'app.kubernetes.io/name': 'n'.repeat(2_001) },
          generatorURL: `http://p/${'g'.repeat(9_000)}`,
        }),
      ]),
    );
    expect(refused).toEqual([]);
    expect(admitted[0].truncatedFields).toEqual(['labels["app.kubernetes.io/name"]', 'annotations.description', 'generator_url']);
    expect([admitted[0].alert.annotations?.description.length, admitted[0].alert.generatorURL?.length]).toEqual([10_000, 8_192]);
  });

  it('should replace NULs everywhere, names included, and say where', () => {
    const body = payload([alert('f2', { labels: { alertname: 'A\u0000', ['k\u0000']: 'v' } })], { receiver: 'so\u0000c' });
    expect(replacePayloadNul(body)).toEqual(['receiver']);
    const [admitted] = admitAlerts(body).admitted;
    expect([body.receiver, admitted.alert.labels]).toEqual(['so\uFFFDc', { alertname: 'A\uFFFD', ['k\uFFFD']: 'v' }]);
    expect(admitted.nulReplaced).toEqual(['labels.alertname', 'labels["k\uFFFD"]']);
  });

  it('should refuse an invalid alert alone, with its index, fingerprint and fields, and drop unknown members of the others', () => {
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`l${i}`, 'x']));
    const { admitted, refused } = admitAlerts(
      payload([alert('ok', { future: 1 }), alert('bad', { labels: tooMany }), { status: 'firing', labels: {}, startsAt: 'never' }]),
    );
    expect(admitted.map((a) => [a.alert.fingerprint, 'future' in a.alert])).toEqual([['ok', false]]);
    expect(refused.map((r) => [r.index, r.fingerprint, r.errors.map((e) => e.field)])).toEqual([
      [1, 'bad', ['alerts[1].labels']],
      [2, null, ['alerts[2].startsAt', 'alerts[2].fingerprint']],
    ]);
  });
});
