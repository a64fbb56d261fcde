import { ZonedFormatter } from '@app/common';

import { csvField } from './csv-cell';

const utc = new ZonedFormatter('UTC');

describe('csvField', () => {
  it('should neutralise text that starts like a formula', () => {
    expect(csvField('=HYPERLINK("http://x")', 'text', utc)).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1 call me', 'text', utc)).toBe("'+1 call me");
    expect(csvField('-cmd|', 'text', utc)).toBe("'-cmd|");
    expect(csvField('@SUM(A1)', 'text', utc)).toBe("'@SUM(A1)");
    expect(csvField('\tdata', 'text', utc)).toBe("'\tdata");
  });

  it('should keep ids and long numbers as text for Excel', () => {
    expect(csvField('12345678901234567890', 'id', utc)).toBe('"=""12345678901234567890"""');
    expect(csvField('0042', 'text', utc)).toBe('"=""0042"""');
    expect(csvField('-5', 'text', utc)).toBe('"=""-5"""');
    expect(csvField(7, 'number', utc)).toBe('7');
  });

  it('should quote commas, quotes and line breaks and keep non-Latin text as it is', () => {
    expect(csvField('a, "b"\nc', 'text', utc)).toBe('"a, ""b""\nc"');
    expect(csvField('서버 과부하 告警', 'text', utc)).toBe('서버 과부하 告警');
  });

  it('should write dates in the export time zone and JSON as JSON', () => {
    expect(csvField(new Date('2025-04-01T00:00:00Z'), 'date', new ZonedFormatter('Asia/Jakarta'))).toBe('2025-04-01T07:00:00.000+07:00');
    expect(csvField({ env: 'prod' }, 'json', utc)).toBe('"{""env"":""prod""}"');
    expect(csvField(null, 'text', utc)).toBe('');
  });
});
