/**
 * FHIR dates have precision: `2024`, `2024-03`, `2024-03-05` and a dateTime each stand for the
 * whole interval they name. Search compares intervals, so each value is stored as [low, high]
 * in milliseconds, both ends inclusive. Values without a time zone are read as UTC.
 */
const DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export interface DateRange {
  low: string;
  high: string;
}

const MIN = '-infinity';
const MAX = 'infinity';

export function parseFhirDate(value: string): DateRange | undefined {
  const match = DATE.exec(value);
  if (!match) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const y = Number(year);
  if (month === undefined) {
    return utcRange(Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1));
  }
  const m = Number(month) - 1;
  // Month 00 would otherwise read as December of the year before.
  if (m < 0 || m > 11) {
    return undefined;
  }
  if (day === undefined) {
    return utcRange(Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1));
  }
  const d = Number(day);
  if (d < 1 || d > new Date(Date.UTC(y, m + 1, 0)).getUTCDate()) {
    return undefined;
  }
  if (hour === undefined) {
    return utcRange(Date.UTC(y, m, d), Date.UTC(y, m, d + 1));
  }
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second ?? '00'}${fraction ?? ''}${zone ?? 'Z'}`;
  const start = Date.parse(iso);
  if (Number.isNaN(start)) {
    return undefined;
  }
  // A time without seconds covers its minute; with seconds, its second (or millisecond).
  const step = second === undefined ? 60_000 : fraction === undefined ? 1000 : 1;
  return utcRange(start, start + step);
}

/** Range of a value or of a Period; open Period ends extend to infinity. */
export function dateRange(start: unknown, end: unknown): DateRange | undefined {
  const low = typeof start === 'string' ? parseFhirDate(start)?.low : MIN;
  const high = typeof end === 'string' ? parseFhirDate(end)?.high : MAX;
  if (low === undefined || high === undefined || (low === MIN && high === MAX)) {
    return undefined;
  }
  return { low, high };
}

function utcRange(startMs: number, endExclusiveMs: number): DateRange | undefined {
  if (Number.isNaN(startMs) || Number.isNaN(endExclusiveMs)) {
    return undefined;
  }
  return { low: new Date(startMs).toISOString(), high: new Date(endExclusiveMs - 1).toISOString() };
}
