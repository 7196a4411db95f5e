import type { Availability, Weekday } from './peer-supporter.js';

/**
 * Weekly time as hours of the week: 0 is Monday 00:00–01:00, 167 Sunday 23:00–24:00. Both a
 * peer supporter's availability and a patient's preferred contact time become sets of these
 * hours, so that "do they overlap" is one array-overlap test, in SQL or here.
 */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The hours an availability touches (an hour counts when any minute of it is covered). */
export function availableHours(availability: readonly Availability[]): number[] {
  const hours = new Set<number>();
  for (const slot of availability) {
    const first = Number(slot.start.slice(0, 2));
    const [endHour, endMinute] = slot.end.split(':').map(Number) as [number, number];
    const last = endMinute > 0 ? endHour : endHour - 1;
    for (const day of slot.days) {
      const base = WEEKDAYS.indexOf(day) * 24;
      for (let hour = first; hour <= last; hour++) {
        hours.add(base + hour);
      }
    }
  }
  return [...hours].sort((a, b) => a - b);
}

export interface ContactWindow {
  readonly hours: readonly number[];
  /** How the text was read, e.g. "Mon–Fri 17:00–21:00". */
  readonly reading: string;
}

const PARTS_OF_DAY: Readonly<Record<string, readonly [number, number]>> = {
  morning: [8, 12],
  afternoon: [12, 17],
  evening: [17, 21],
  night: [17, 21],
  weeknight: [17, 21],
};

/** Day words and the abbreviations people write for them (a plural "s" is always allowed). */
const DAY_WORDS: readonly (readonly [readonly string[], readonly number[]])[] = [
  [
    ['weekday', 'weeknight'],
    [0, 1, 2, 3, 4],
  ],
  [['weekend'], [5, 6]],
  [['monday', 'mon'], [0]],
  [['tuesday', 'tue', 'tues'], [1]],
  [['wednesday', 'wed'], [2]],
  [['thursday', 'thu', 'thur', 'thurs'], [3]],
  [['friday', 'fri'], [4]],
  [['saturday', 'sat'], [5]],
  [['sunday', 'sun'], [6]],
];

/** Words that say any time suits: every day, within the usual hours. */
const ANY_TIME = /\b(any\s?time|whenever|flexible)\b/;

/**
 * Reads a patient's preferred contact time as the referral gives it, free text such as
 * "Weekday evenings after 6pm" or "Saturday mornings", into hours of the week. It understands
 * day words (Monday…Sunday, weekday(s), weekend(s)), parts of the day (morning 08–12,
 * afternoon 12–17, evening/night 17–21), "after/before <hour>[am|pm]" and "anytime"; days alone
 * mean 08–21, times alone mean every day; "mornings or evenings" is both and not the afternoon
 * between them. Undefined when the text names neither days nor times,
 * so the factor is reported as unknown instead of guessed.
 */
export function readContactTime(text: string | undefined): ContactWindow | undefined {
  if (!text) {
    return undefined;
  }
  const words = text.toLowerCase();
  const days = new Set<number>();
  for (const [names, numbers] of DAY_WORDS) {
    if (new RegExp(`\\b(${names.join('|')})s?\\b`).test(words)) {
      numbers.forEach((day) => days.add(day));
    }
  }
  let from: number | undefined;
  let to: number | undefined;
  // The hours the named parts of the day cover: "mornings or evenings" is not the afternoon.
  const named = new Set<number>();
  for (const [part, [start, end]] of Object.entries(PARTS_OF_DAY)) {
    if (new RegExp(`\\b${part}s?\\b`).test(words)) {
      from = Math.min(from ?? start, start);
      to = Math.max(to ?? end, end);
      range(start, end).forEach((hour) => named.add(hour));
    }
  }
  const after = /\bafter\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?/.exec(words);
  if (after) {
    from = hourOf(after[1]!, after[3]);
    to = Math.max(to ?? 21, from + 1);
  }
  const before = /\bbefore\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?/.exec(words);
  if (before) {
    to = hourOf(before[1]!, before[3]);
    from = Math.min(from ?? 8, to - 1);
  }
  if (days.size === 0 && from === undefined && !ANY_TIME.test(words)) {
    return undefined;
  }
  const dayList = days.size > 0 ? [...days].sort((a, b) => a - b) : [0, 1, 2, 3, 4, 5, 6];
  const window = range(from ?? 8, to ?? 21);
  // Within the window, the named parts only, unless "after"/"before" left none of them.
  const inParts = window.filter((hour) => named.has(hour));
  const ofDay = inParts.length > 0 ? inParts : window;
  const hours = dayList.flatMap((day) => ofDay.map((hour) => day * 24 + hour));
  return { hours, reading: `${describeDays(dayList)} ${describeHours(ofDay)}` };
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, index) => start + index);
}

/** Sorted hours of the day as clock ranges: "08:00–12:00, 17:00–21:00". */
function describeHours(hours: readonly number[]): string {
  const runs: [number, number][] = [];
  for (const hour of hours) {
    const last = runs.at(-1);
    if (last && last[1] === hour) {
      last[1] = hour + 1;
    } else {
      runs.push([hour, hour + 1]);
    }
  }
  return runs.map(([start, end]) => `${clock(start)}–${clock(end)}`).join(', ');
}

function hourOf(digits: string, meridiem: string | undefined): number {
  const hour = Number(digits) % 12;
  if (meridiem === 'am') {
    return hour;
  }
  // "after 6" means the evening, as people say it; 24-hour values above 12 stay as they are.
  return meridiem === 'pm' || Number(digits) < 8 ? hour + 12 : Number(digits);
}

function clock(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

function describeDays(days: readonly number[]): string {
  if (days.length === 7) {
    return 'every day';
  }
  const contiguous = days.every((day, index) => index === 0 || day === days[index - 1]! + 1);
  if (contiguous && days.length > 2) {
    return `${DAY_NAMES[days[0]!]}–${DAY_NAMES[days.at(-1)!]}`;
  }
  return days.map((day) => DAY_NAMES[day]).join(', ');
}

/** "Mon, Wed 17:00–20:00; Sat 10:00–12:00", for explanations. */
export function describeAvailability(availability: readonly Availability[]): string {
  if (availability.length === 0) {
    return 'no availability given';
  }
  return availability
    .map(
      (slot) =>
        `${slot.days.map((day) => DAY_NAMES[WEEKDAYS.indexOf(day)]).join(', ')} ${slot.start}–${slot.end}`,
    )
    .join('; ');
}
