import { describe, expect, it } from '@jest/globals';
import { availableHours, describeAvailability, readContactTime } from './schedule.js';

/** Hours of the week for the given days (0 = Monday) from `start` up to, not including, `end`. */
function hoursOf(days: readonly number[], start: number, end: number): number[] {
  return days.flatMap((day) => Array.from({ length: end - start }, (_, index) => day * 24 + start + index));
}

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

describe('readContactTime', () => {
  it.each([
    ['Weekday evenings after 6pm', [0, 1, 2, 3, 4], 18, 21, 'Mon–Fri 18:00–21:00'],
    ['Weekday evenings', [0, 1, 2, 3, 4], 17, 21, 'Mon–Fri 17:00–21:00'],
    ['Saturday mornings', [5], 8, 12, 'Sat 08:00–12:00'],
    ['Mon/Wed afternoons', [0, 2], 12, 17, 'Mon, Wed 12:00–17:00'],
    ['Tues and Thurs', [1, 3], 8, 21, 'Tue, Thu 08:00–21:00'],
    ['Weeknights', [0, 1, 2, 3, 4], 17, 21, 'Mon–Fri 17:00–21:00'],
    ['Weekends', [5, 6], 8, 21, 'Sat, Sun 08:00–21:00'],
    ['after 5', EVERY_DAY, 17, 21, 'every day 17:00–21:00'],
    ['after 10', EVERY_DAY, 10, 21, 'every day 10:00–21:00'],
    ['before 10am', EVERY_DAY, 8, 10, 'every day 08:00–10:00'],
    ['Fridays before 2pm', [4], 8, 14, 'Fri 08:00–14:00'],
    ['anytime', EVERY_DAY, 8, 21, 'every day 08:00–21:00'],
    ['Any time is fine', EVERY_DAY, 8, 21, 'every day 08:00–21:00'],
  ])(
    'when the referral says "%s", then it reads days %j from %i:00 to %i:00 ("%s")',
    (text, days, start, end, reading) => {
      expect(readContactTime(text)).toEqual({ hours: hoursOf(days, start, end), reading });
    },
  );

  it('when the referral names two parts of the day, then it is both, not the hours between them', () => {
    expect(readContactTime('Weekend mornings or evenings')).toEqual({
      hours: [...hoursOf([5, 6], 8, 12), ...hoursOf([5, 6], 17, 21)].sort((a, b) => a - b),
      reading: 'Sat, Sun 08:00–12:00, 17:00–21:00',
    });
  });

  it('when "after" goes past the named part of the day, then the hours after it are read', () => {
    expect(readContactTime('Evenings after 9pm')).toEqual({
      hours: hoursOf(EVERY_DAY, 21, 22),
      reading: 'every day 21:00–22:00',
    });
  });

  it('when the referral says "Weekday evenings after 6pm", then it is the 15 hours Mon–Fri 18–21', () => {
    expect(readContactTime('Weekday evenings after 6pm')?.hours).toEqual([
      18, 19, 20, 42, 43, 44, 66, 67, 68, 90, 91, 92, 114, 115, 116,
    ]);
  });

  it.each([[''], [undefined], ['Please call my daughter first'], ['ASAP']])(
    'when the contact time is %j, then it is not read at all (the factor is reported as unknown)',
    (text) => {
      expect(readContactTime(text)).toBeUndefined();
    },
  );
});

describe('availableHours', () => {
  it('when a slot ends on the hour, then that last hour is not available', () => {
    expect(availableHours([{ days: ['mon'], start: '17:00', end: '20:00' }])).toEqual([17, 18, 19]);
  });

  it('when a slot ends at :30, then the hour it ends in counts (any minute of an hour counts)', () => {
    expect(availableHours([{ days: ['tue'], start: '17:00', end: '18:30' }])).toEqual([41, 42]);
  });

  it('when a slot starts at :30, then the hour it starts in counts', () => {
    expect(availableHours([{ days: ['sun'], start: '09:30', end: '11:00' }])).toEqual([153, 154]);
  });

  it('when a slot runs to 23:59 on Sunday (the latest the contract allows), then 167 is its last hour', () => {
    expect(availableHours([{ days: ['sun'], start: '22:00', end: '23:59' }])).toEqual([166, 167]);
  });

  it('when a slot is shorter than an hour at midnight Monday, then hour 0 alone is available', () => {
    expect(availableHours([{ days: ['mon'], start: '00:00', end: '00:30' }])).toEqual([0]);
  });

  it('when slots overlap or repeat days, then each hour appears once, in order', () => {
    expect(
      availableHours([
        { days: ['wed', 'mon'], start: '10:00', end: '12:00' },
        { days: ['mon'], start: '11:00', end: '13:00' },
      ]),
    ).toEqual([10, 11, 12, 58, 59]);
  });

  it('when there is no availability, then there are no hours', () => {
    expect(availableHours([])).toEqual([]);
  });
});

describe('describeAvailability', () => {
  it('when there are slots, then each reads as days and times', () => {
    expect(
      describeAvailability([
        { days: ['mon', 'wed'], start: '17:00', end: '20:00' },
        { days: ['sat'], start: '10:00', end: '12:00' },
      ]),
    ).toBe('Mon, Wed 17:00–20:00; Sat 10:00–12:00');
    expect(describeAvailability([])).toBe('no availability given');
  });
});
