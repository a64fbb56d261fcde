import { isTimeZone, parseInstant, parseTimestamp, ZonedFormatter, zoneOffsetMs } from './zoned-time';

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

  it('should take only instants from 1970 to 9999 that exist, with no 24:00', () => {
    for (const text of [
      '9999-12-31T24:00:00Z',
      '9999-12-31T24:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '2026-02-29T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:00:00-05:00',
      '2026-01-01T00:00:00+24:00',
      '+010000-01-01T00:00:00Z',
    ]) {
      expect([text, parseTimestamp(text)]).toEqual([text, null]);
    }
    expect(parseTimestamp('9999-12-31T23:59:59.999Z')?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(parseTimestamp('1970-01-01T00:00:00Z')?.getTime()).toBe(0);
    expect(parseTimestamp('2026-05-12T07:46:50.123456789Z')?.toISOString()).toBe('2026-05-12T07:46:50.123Z');
    expect(parseInstant('10000-01-01', 'UTC')).toBeNull();
    expect(parseInstant('1970-01-01', 'Asia/Jakarta')).toBeNull();
    expect(parseInstant('9999-12-31T24:00:00Z', 'UTC')).toBeNull();
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

  it('should write UTC exactly as toISOString does, and local time as the wall clock of the offset', () => {
    const utc = new ZonedFormatter('UTC');
    const jakarta = new ZonedFormatter('Asia/Jakarta');
    const instants = [
      0,
      -1,
      1,
      999,
      86_399_999,
      -86_400_001,
      Date.UTC(1969, 11, 31, 23, 59, 59, 1),
      Date.UTC(2000, 1, 29, 12, 0, 0, 5),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    ];
    for (let i = 0; i < 2_000; i++) instants.push(Math.floor(Math.sin(i + 1) * 4e12));
    for (const at of instants) {
      const date = new Date(at);
      expect(utc.rfc3339(date)).toBe(date.toISOString());
      if (at < 0) continue; // Jakarta has been UTC+7 since 1964; before, other offsets (see below)
      const wall = new Date(at + 7 * 3600_000).toISOString();
      expect(jakarta.rfc3339(date)).toBe(`${wall.slice(0, -1)}+07:00`);
      expect(jakarta.dateTime(date)).toBe(wall.slice(0, -5).replace('T', ' '));
    }
    // Local mean time (Batavia, +07:07:12) keeps its seconds.
    expect(jakarta.rfc3339(new Date(Date.UTC(1900, 0, 1)))).toBe('1900-01-01T07:07:12.000+07:07:12');
  });

  it('should give the offset the zone database gives at every quarter hour of a year, transition days included', () => {
    // Berlin and New York change by an hour, Lord Howe by half an hour; Kathmandu is +05:45 all year.
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      const formatter = new ZonedFormatter(zone);
      const wrong: string[] = [];
      for (let at = Date.UTC(2025, 0, 1); at < Date.UTC(2026, 0, 1); at += 900_000 + 7_000) {
        if (formatter.offsetMs(new Date(at)) !== zoneOffsetMs(at, zone)) wrong.push(new Date(at).toISOString());
      }
      expect({ zone, wrong }).toEqual({ zone, wrong: [] });
    }
  });
});
