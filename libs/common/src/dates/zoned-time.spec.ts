import { isTimeZone, parseInstant, ZonedFormatter, zoneOffsetMs } from './zoned-time';

describe('zoned time', () => {
  it('should read a date without time as midnight in the zone', () => {
    expect(parseInstant('2025-04-01', 'Asia/Jakarta')?.toISOString()).toBe('2025-03-31T17:00:00.000Z');
    expect(parseInstant('2025-04-01', 'UTC')?.toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect(parseInstant('2025-07-01', 'America/New_York')?.toISOString()).toBe('2025-07-01T04:00:00.000Z');
  });

  it('should handle the day DST starts and ends', () => {
    expect(parseInstant('2025-03-30', 'Europe/Berlin')?.toISOString()).toBe('2025-03-29T23:00:00.000Z');
    expect(parseInstant('2025-03-31', 'Europe/Berlin')?.toISOString()).toBe('2025-03-30T22:00:00.000Z');
    expect(parseInstant('2025-10-27', 'Europe/Berlin')?.toISOString()).toBe('2025-10-26T23:00:00.000Z');
    expect(zoneOffsetMs(Date.UTC(2025, 6, 1), 'Europe/Berlin')).toBe(2 * 3600_000);
  });

  it('should take RFC 3339 timestamps as they are and refuse other text', () => {
    expect(parseInstant('2025-04-30T08:15:00+07:00', 'UTC')?.toISOString()).toBe('2025-04-30T01:15:00.000Z');
    expect(parseInstant('2025-02-30', 'UTC')).toBeNull();
    expect(parseInstant('yesterday', 'UTC')).toBeNull();
    expect(parseInstant('2025-04-30 08:15', 'UTC')).toBeNull();
  });

  it('should know IANA zones only', () => {
    expect(isTimeZone('Asia/Seoul')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('should format instants as wall-clock time of a zone, on both sides of a DST change and at half-hour offsets', () => {
    const berlin = new ZonedFormatter('Europe/Berlin');
    expect(berlin.dateTime(new Date('2025-03-30T00:59:59Z'))).toBe('2025-03-30 01:59:59');
    expect(berlin.dateTime(new Date('2025-03-30T01:00:00Z'))).toBe('2025-03-30 03:00:00');
    expect(berlin.rfc3339(new Date('2025-07-01T10:00:00.250Z'))).toBe('2025-07-01T12:00:00.250+02:00');
    expect(new ZonedFormatter('Asia/Kolkata').rfc3339(new Date('2025-01-01T00:00:00Z'))).toBe('2025-01-01T05:30:00.000+05:30');
    expect(new ZonedFormatter('America/St_Johns').rfc3339(new Date('2025-01-01T12:00:00Z'))).toBe('2025-01-01T08:30:00.000-03:30');
    expect(new ZonedFormatter('UTC').rfc3339(new Date('2025-01-01T12:00:00Z'))).toBe('2025-01-01T12:00:00.000Z');
  });
});
