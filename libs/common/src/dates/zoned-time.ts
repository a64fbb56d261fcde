const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `zone` is an IANA time zone this runtime knows (`UTC`, `Asia/Jakarta`, …). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(instant: number, zone: string): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `zone` names: the offset is guessed at the wall time read as UTC,
 * then corrected once with the offset at the guess, which settles DST transitions.
 */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const guess = wall - zoneOffsetMs(wall, zone);
  return new Date(wall - zoneOffsetMs(guess, zone));
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/** The one range of instants the API takes, in query and body alike: years 1970 to 9999 (UTC). */
export const INSTANT_RANGE = {
  minMs: Date.UTC(1970, 0, 1),
  maxMs: Date.UTC(10_000, 0, 1) - 1,
  text: 'from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z',
} as const;

function isDay(y: number, m: number, d: number): boolean {
  const check = new Date(Date.UTC(y, m - 1, d));
  return check.getUTCMonth() === m - 1 && check.getUTCDate() === d;
}

function inRange(instant: Date): Date | null {
  const ms = instant.getTime();
  return ms >= INSTANT_RANGE.minMs && ms <= INSTANT_RANGE.maxMs ? instant : null;
}

/**
 * An RFC 3339 timestamp (`2026-05-01T12:00:00Z`, `…+07:00`, up to nanoseconds), within INSTANT_RANGE.
 * Null for anything else: a day or hour that does not exist (`24:00`, February 30), an offset past
 * 23:59, or an instant before 1970 or after 9999 (which the database would store, and a Date could not
 * read back). Every date the API takes goes through here.
 */
export function parseTimestamp(text: string): Date | null {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '0', oh = '0', om = '0'] = match;
  if (!isDay(Number(y), Number(mo), Number(d)) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Number(oh) > 23 || Number(om) > 59) return null;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? null : inRange(instant);
}

/**
 * An RFC 3339 timestamp (parseTimestamp), or a date without a time read as midnight in `zone`, within
 * INSTANT_RANGE. Answers null when the text is neither (or names a day that does not exist).
 */
export function parseInstant(text: string, zone: string): Date | null {
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number);
    return isDay(y, m, d) ? inRange(zonedTimeToUtc(y, m, d, 0, 0, 0, zone)) : null;
  }
  return parseTimestamp(text);
}

const DAY_MS = 86_400_000;
/** Cached days per formatter before its caches start over: a bound whatever dates the data holds. */
const MAX_CACHED_DAYS = 100_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/**
 * Formats instants as wall-clock time of one zone, fast enough for every cell of a large export (one
 * instance per export: its caches grow with the days it has seen). Offsets are looked up once per UTC
 * day: when the day starts and ends with the same offset (every day but a transition's), that offset
 * holds all day; a transition day is looked up per quarter hour, the finest step any zone's offset
 * changes by. Dates are built from a cached `YYYY-MM-DD` per day and arithmetic, not Date methods.
 */
export class ZonedFormatter {
  private readonly days = new Map<number, number | null>();
  private readonly quarters = new Map<number, number>();
  private readonly dayTexts = new Map<number, string>();
  private readonly offsetTexts = new Map<number, string>();

  constructor(readonly zone: string) {}

  offsetMs(date: Date): number {
    const time = date.getTime();
    const day = Math.floor(time / DAY_MS);
    let offset = this.days.get(day);
    if (offset === undefined) {
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      const start = zoneOffsetMs(day * DAY_MS, this.zone);
      offset = start === zoneOffsetMs(day * DAY_MS + DAY_MS - 1000, this.zone) ? start : null;
      this.days.set(day, offset);
    }
    return offset ?? this.quarterOffset(Math.floor(time / 900_000));
  }

  /** The wall-clock time as a Date whose UTC fields are the local ones (what spreadsheets store). */
  wallClock(date: Date): Date {
    return new Date(date.getTime() + this.offsetMs(date));
  }

  /** `2025-04-01 07:00:00`. */
  dateTime(date: Date): string {
    const local = date.getTime() + this.offsetMs(date);
    return `${this.dayText(local)} ${this.clockText(local)}`;
  }

  /** RFC 3339 with the zone's offset: `2025-04-01T07:00:00.000+07:00`; in UTC the same text as toISOString. */
  rfc3339(date: Date): string {
    const offset = this.offsetMs(date);
    const local = date.getTime() + offset;
    return `${this.dayText(local)}T${this.clockText(local)}.${THREE_DIGITS[((local % 1000) + 1000) % 1000]}${this.offsetText(offset)}`;
  }

  private quarterOffset(quarter: number): number {
    let offset = this.quarters.get(quarter);
    if (offset === undefined) {
      if (this.quarters.size >= MAX_CACHED_DAYS) this.quarters.clear();
      offset = zoneOffsetMs(quarter * 900_000, this.zone);
      this.quarters.set(quarter, offset);
    }
    return offset;
  }

  /** `YYYY-MM-DD` of a wall-clock instant (toISOString's own year format, also outside 0–9999). */
  private dayText(local: number): string {
    const day = Math.floor(local / DAY_MS);
    let text = this.dayTexts.get(day);
    if (text === undefined) {
      if (this.dayTexts.size >= MAX_CACHED_DAYS) this.dayTexts.clear();
      const iso = new Date(day * DAY_MS).toISOString();
      text = iso.slice(0, iso.indexOf('T'));
      this.dayTexts.set(day, text);
    }
    return text;
  }

  /** `HH:MM:SS` of a wall-clock instant. */
  private clockText(local: number): string {
    const seconds = Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / 1000);
    return `${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`;
  }

  /** `Z`, or `+07:00` / `-03:30`; the local mean times before about 1900 also keep their seconds (`+07:07:12`, as Temporal writes them). */
  private offsetText(offset: number): string {
    let text = this.offsetTexts.get(offset);
    if (text === undefined) {
      const seconds = Math.abs(offset) / 1000;
      const [hh, mm, ss] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
      text = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${TWO_DIGITS[hh]}:${TWO_DIGITS[mm]}${ss ? `:${TWO_DIGITS[ss]}` : ''}`;
      this.offsetTexts.set(offset, text);
    }
    return text;
  }
}

const UTC = new ZonedFormatter('UTC');

/** The same text as date.toISOString(), at a fraction of its cost: for the many timestamps of list pages. */
export function isoUtc(date: Date): string {
  return UTC.rfc3339(date);
}
