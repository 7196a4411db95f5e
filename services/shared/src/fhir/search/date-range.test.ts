import { describe, expect, it } from '@jest/globals';
import { dateRange, parseFhirDate } from './date-range.js';

describe('parseFhirDate', () => {
  it.each([
    ['2024', '2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['2024-12', '2024-12-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['2024-01-01', '2024-01-01T00:00:00.000Z', '2024-01-01T23:59:59.999Z'],
    ['2024-03-05', '2024-03-05T00:00:00.000Z', '2024-03-05T23:59:59.999Z'],
    ['2024-03-05T10:15', '2024-03-05T10:15:00.000Z', '2024-03-05T10:15:59.999Z'],
    ['2024-03-05T10:15:30Z', '2024-03-05T10:15:30.000Z', '2024-03-05T10:15:30.999Z'],
    ['2024-03-05T10:15:30.250+02:00', '2024-03-05T08:15:30.250Z', '2024-03-05T08:15:30.250Z'],
    ['2024-03-05T10:15-05:00', '2024-03-05T15:15:00.000Z', '2024-03-05T15:15:59.999Z'],
    ['2024-12-31T23:59:59.5Z', '2024-12-31T23:59:59.500Z', '2024-12-31T23:59:59.500Z'],
    ['2023-02-28', '2023-02-28T00:00:00.000Z', '2023-02-28T23:59:59.999Z'],
    ['2024-04-30', '2024-04-30T00:00:00.000Z', '2024-04-30T23:59:59.999Z'],
    ['2024-12-31', '2024-12-31T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
  ])('when %s is parsed, then it covers [%s, %s]', (value, low, high) => {
    expect(parseFhirDate(value)).toEqual({ low, high });
  });

  it.each([
    'yesterday',
    '2024-13',
    '2023-02-29',
    '2024-01-32',
    '2024-01-00',
    '2024-3-5',
    '20240305',
    '2024-03-05T25:00',
    '2024-04-31',
    '2024-00',
    '2024-00-15',
    'x2024',
    '2024x',
    '2024-03-05x',
    '2024-03-05T10:15:30Zx',
    '2024-03-05T10',
    '2024-03-05T10:15+0200',
  ])('when %s is parsed, then it is rejected', (value) => {
    expect(parseFhirDate(value)).toBeUndefined();
  });
});

describe('dateRange', () => {
  it('when a Period has no end, then it extends to infinity', () => {
    expect(dateRange('2024-01-01', undefined)).toEqual({ low: '2024-01-01T00:00:00.000Z', high: 'infinity' });
  });

  it('when a Period has no start, then it extends from minus infinity', () => {
    expect(dateRange(undefined, '2024')).toEqual({ low: '-infinity', high: '2024-12-31T23:59:59.999Z' });
  });

  it('when a Period has both ends, then it runs from the start of one to the end of the other', () => {
    expect(dateRange('2024-01', '2024-02-10')).toEqual({
      low: '2024-01-01T00:00:00.000Z',
      high: '2024-02-10T23:59:59.999Z',
    });
  });

  it('when a Period end is not a FHIR date, then it is not indexed', () => {
    expect(dateRange('2024-01-01', 'soon')).toBeUndefined();
  });

  it('when a Period has neither start nor end, then it is not indexed', () => {
    expect(dateRange(undefined, undefined)).toBeUndefined();
  });
});
