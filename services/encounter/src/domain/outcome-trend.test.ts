import { describe, expect, it } from '@jest/globals';
import { GAD_7, PHQ_9, QPR_15, SWEMWBS, type Instrument } from './instruments/index.js';
import { outcomeTrend, pairedOutcome, type DatedScore } from './outcome-trend.js';

const NHS_TT = 'NHS Talking Therapies for anxiety and depression Manual (formerly IAPT), NHS England';

/** Totals taken a week apart from 5 January 2026, in the order given. */
const weekly = (...totals: number[]): DatedScore[] =>
  totals.map((total, i) => ({ effective: `2026-01-${String(5 + 7 * i).padStart(2, '0')}`, total }));

const trend = (instrument: Instrument, ...totals: number[]) => outcomeTrend(instrument, weekly(...totals));

describe('reliable change of one instrument', () => {
  it.each([
    [PHQ_9, [18, 11], -7, true, false],
    [PHQ_9, [12, 6], -6, true, false],
    [PHQ_9, [18, 13], -5, false, false],
    [PHQ_9, [6, 12], 6, false, true],
    [PHQ_9, [6, 11], 5, false, false],
    [GAD_7, [12, 8], -4, true, false],
    [GAD_7, [12, 9], -3, false, false],
    [GAD_7, [5, 9], 4, false, true],
    [GAD_7, [5, 8], 3, false, false],
    [SWEMWBS, [19.25, 22.35], 3.1, true, false],
    [SWEMWBS, [19.25, 22.25], 3, true, false],
    [SWEMWBS, [19.25, 21.54], 2.29, false, false],
    [SWEMWBS, [22.35, 19.25], -3.1, false, true],
  ] as const)(
    'when %s goes %j, then the change is %d, reliable improvement %s and reliable deterioration %s',
    (instrument, totals, change, improvement, deterioration) => {
      expect(trend(instrument, ...totals)).toMatchObject({
        change,
        reliableImprovement: improvement,
        reliableDeterioration: deterioration,
      });
    },
  );

  it('when a PHQ-9 series rises and falls in between, then only the first and the latest score count', () => {
    const result = trend(PHQ_9, 20, 5, 19);
    expect(result).toMatchObject({
      baseline: { total: 20 },
      latest: { total: 19 },
      change: -1,
      reliableImprovement: false,
      reliableDeterioration: false,
    });
    expect(result.series.map((point) => point.band?.code.code)).toEqual([
      'phq-9-severe',
      'phq-9-mild',
      'phq-9-moderately-severe',
    ]);
  });

  it('when the scores are given out of order, then the series is ordered by date before baseline and latest are read', () => {
    const result = outcomeTrend(PHQ_9, [
      { effective: '2026-03-01T10:00:00Z', total: 8 },
      { effective: '2026-01-01', total: 16 },
      { effective: '2026-02-01T09:30:00+01:00', total: 12 },
    ]);
    expect(result.series.map((point) => point.total)).toEqual([16, 12, 8]);
    expect(result).toMatchObject({ change: -8, reliableImprovement: true });
  });

  it('when there is one score, then it is baseline and latest, with caseness but no change and no reliable change', () => {
    const result = trend(PHQ_9, 10);
    expect(result).toEqual({
      instrument: 'phq-9',
      series: [expect.objectContaining({ total: 10 })],
      baseline: expect.objectContaining({ total: 10 }),
      latest: expect.objectContaining({ total: 10 }),
      reliableImprovement: false,
      reliableDeterioration: false,
      casenessAtBaseline: true,
      casenessAtLatest: true,
      thresholds: { reliableChange: { value: 6, source: NHS_TT }, caseness: { value: 10, source: NHS_TT } },
    });
  });

  it('when there is no score, then there is no baseline, latest, change or caseness', () => {
    expect(outcomeTrend(GAD_7, [])).toEqual({
      instrument: 'gad-7',
      series: [],
      reliableImprovement: false,
      reliableDeterioration: false,
      thresholds: { reliableChange: { value: 4, source: NHS_TT }, caseness: { value: 8, source: NHS_TT } },
    });
  });

  it.each([
    [PHQ_9, 9, false],
    [PHQ_9, 10, true],
    [GAD_7, 7, false],
    [GAD_7, 8, true],
  ] as const)(
    'when %s is %i at baseline and latest, then caseness is %s at both',
    (instrument, total, caseness) => {
      expect(trend(instrument, total, total)).toMatchObject({
        casenessAtBaseline: caseness,
        casenessAtLatest: caseness,
      });
    },
  );

  it('when SWEMWBS is trended, then the meaningful change threshold is cited and no caseness is given', () => {
    const result = trend(SWEMWBS, 19.25, 22.35);
    expect(result.thresholds).toEqual({ reliableChange: SWEMWBS.reliableChange });
    expect(result).not.toHaveProperty('casenessAtBaseline');
  });

  it('when QPR-15 is trended, then the change is given but no reliable change is claimed: none is published', () => {
    expect(trend(QPR_15, 20, 45)).toMatchObject({
      change: 25,
      reliableImprovement: false,
      reliableDeterioration: false,
      thresholds: {},
    });
  });
});

/** PHQ-9 and GAD-7 taken together at the first and the last session. */
function pair(first: [number, number], last: [number, number]) {
  const phq9 = weekly(first[0], last[0]);
  const gad7 = weekly(first[1], last[1]);
  return pairedOutcome(phq9, gad7);
}

describe('recovery over the PHQ-9 + GAD-7 pair (NHS Talking Therapies)', () => {
  it('when PHQ-9 15 and GAD-7 12 become 8 and 6, then it is recovery and reliable recovery', () => {
    expect(pair([15, 12], [8, 6])).toMatchObject({
      caseAtBaseline: true,
      caseAtLatest: false,
      recovery: true,
      reliableImprovement: true,
      reliableDeterioration: false,
      reliableRecovery: true,
    });
  });

  it('when PHQ-9 10 and GAD-7 5 become 7 and 4, then it is recovery but not reliable recovery: neither fell reliably', () => {
    expect(pair([10, 5], [7, 4])).toMatchObject({
      recovery: true,
      reliableImprovement: false,
      reliableRecovery: false,
    });
  });

  it('when PHQ-9 20 and GAD-7 15 become 12 and 9, then it is reliable improvement without recovery: still a case', () => {
    expect(pair([20, 15], [12, 9])).toMatchObject({
      caseAtLatest: true,
      recovery: false,
      reliableImprovement: true,
      reliableRecovery: false,
    });
  });

  it('when PHQ-9 8 and GAD-7 6 become 2 and 1, then there is no recovery to measure: not a case at baseline', () => {
    expect(pair([8, 6], [2, 1])).toMatchObject({
      caseAtBaseline: false,
      recovery: false,
      reliableImprovement: true,
      reliableRecovery: false,
    });
  });

  it('when PHQ-9 falls 6 but GAD-7 rises 4, then it is reliable deterioration, not improvement', () => {
    expect(pair([14, 4], [8, 8])).toMatchObject({
      recovery: false,
      reliableImprovement: false,
      reliableDeterioration: true,
      reliableRecovery: false,
    });
  });

  it.each([
    [[9, 7], true],
    [[10, 7], false],
    [[9, 8], false],
  ] as const)('when a case ends at PHQ-9/GAD-7 %j, then recovery is %s', (last, recovered) => {
    expect(pair([16, 12], [last[0], last[1]]).recovery).toBe(recovered);
  });

  it('when the result is given, then the four thresholds are cited with their source', () => {
    expect(pair([15, 12], [8, 6]).thresholds).toEqual({
      phq9: { caseness: { value: 10, source: NHS_TT }, reliableChange: { value: 6, source: NHS_TT } },
      gad7: { caseness: { value: 8, source: NHS_TT }, reliableChange: { value: 4, source: NHS_TT } },
    });
  });

  it('when the measures are paired, then a PHQ-9 pairs with the GAD-7 of its encounter, else of its day, and unpaired ones are left out', () => {
    const result = pairedOutcome(
      [
        { effective: '2026-01-05T10:00:00Z', total: 15, encounter: 'Encounter/a' },
        { effective: '2026-01-12', total: 14 },
        { effective: '2026-01-19T10:00:00Z', total: 8 },
      ],
      [
        { effective: '2026-01-06T09:00:00Z', total: 12, encounter: 'Encounter/a' },
        { effective: '2026-01-19T16:00:00Z', total: 6 },
      ],
    );
    expect(result.pairs).toEqual([
      { effective: '2026-01-05T10:00:00Z', phq9: 15, gad7: 12 },
      { effective: '2026-01-19T10:00:00Z', phq9: 8, gad7: 6 },
    ]);
    expect(result.reliableRecovery).toBe(true);
  });

  it('when only one session has both measures, then no recovery or reliable change is claimed', () => {
    expect(pairedOutcome(weekly(15), weekly(12))).toMatchObject({
      caseAtBaseline: true,
      caseAtLatest: true,
      recovery: false,
      reliableImprovement: false,
      reliableDeterioration: false,
      reliableRecovery: false,
    });
  });
});
