import { jsonBody } from './json-body';

describe('jsonBody', () => {
  it('should encode JSON as UTF-8 bytes that parse back to the value, non-Latin text included', () => {
    const value = { ko: '서버 과부하', emoji: '🚨', n: 1, none: null };
    const body = jsonBody(value);
    expect(body.toString('utf8')).toBe(JSON.stringify(value));
    expect(body.length).toBe(Buffer.byteLength(JSON.stringify(value)));
  });

  it('should write null for a value JSON cannot hold', () => {
    expect(jsonBody(undefined).toString()).toBe('null');
  });
});
