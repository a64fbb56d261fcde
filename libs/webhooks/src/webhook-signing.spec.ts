import { Webhook } from 'standardwebhooks';

import { newWebhookSecret, webhookHeaders } from './webhook-signing';

describe('webhook signatures', () => {
  it('should be verified by the Standard Webhooks reference implementation', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'alert.created', timestamp: '2026-01-01T00:00:00.000Z', data: { id: 'alr_1' } });
    const headers = webhookHeaders([secret], 'evt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('should sign with both secrets during a rotation, so a receiver holding either verifies', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const body = '{"type":"webhook.ping"}';
    const headers = webhookHeaders([current, previous], 'evt_x', body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
  });
});
