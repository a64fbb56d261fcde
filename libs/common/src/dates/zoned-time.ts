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
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(instant: number, zone: string): number {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
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
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An RFC 3339 timestamp, or a date without a time read as midnight in `zone`. Answers null when the
 * text is neither (or names a day that does not exist).
 */
export function parseInstant(text: string, zone: string): Date | null {
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number);
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
    return zonedTimeToUtc(y, m, d, 0, 0, 0, zone);
  }
  if (!DATE_TIME.test(text)) return null;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/**
 * Formats instants as wall-clock time of one zone, fast enough for every cell of a large export: zone
 * offsets change only on quarter-hour boundaries, so the offset is looked up once per quarter hour.
 */
export class ZonedFormatter {
  private readonly offsets = new Map<number, number>();

  constructor(readonly zone: string) {}

  offsetMs(date: Date): number {
    const bucket = Math.floor(date.getTime() / 900_000);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      offset = zoneOffsetMs(bucket * 900_000, this.zone);
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  /** The wall-clock time as a Date whose UTC fields are the local ones (what spreadsheets store). */
  wallClock(date: Date): Date {
    return new Date(date.getTime() + this.offsetMs(date));
  }

  /** `2025-04-01 07:00:00`. */
  dateTime(date: Date): string {
    return this.wallClock(date).toISOString().slice(0, 19).replace('T', ' ');
  }

  /** RFC 3339 with the zone's offset: `2025-04-01T07:00:00.000+07:00`. */
  rfc3339(date: Date): string {
    const offset = this.offsetMs(date);
    if (offset === 0) return date.toISOString();
    const minutes = Math.abs(offset) / 60_000;
    const sign = offset < 0 ? '-' : '+';
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    return `${this.wallClock(date).toISOString().slice(0, 23)}${sign}${hh}:${mm}`;
  }
}
