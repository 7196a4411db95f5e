import {
  bandOf,
  GAD_7,
  PHQ_9,
  type Band,
  type Instrument,
  type InstrumentId,
  type Threshold,
} from './instruments/index.js';

/** One recorded total of an instrument (from its Observation): when, what, and in which session. */
export interface DatedScore {
  /** Observation.effective[x], an ISO date or dateTime. */
  readonly effective: string;
  readonly total: number;
  /** Observation.encounter, which pairs a PHQ-9 with the GAD-7 taken in the same session. */
  readonly encounter?: string;
}

export interface TrendPoint extends DatedScore {
  readonly band?: Band;
}

export interface OutcomeTrend {
  readonly instrument: InstrumentId;
  /** Oldest first. */
  readonly series: readonly TrendPoint[];
  /** The first score. */
  readonly baseline?: TrendPoint;
  /** The most recent score. */
  readonly latest?: TrendPoint;
  /** latest − baseline; undefined until there are two scores. */
  readonly change?: number;
  readonly reliableImprovement: boolean;
  readonly reliableDeterioration: boolean;
  /** Only for instruments with a caseness threshold (PHQ-9, GAD-7). */
  readonly casenessAtBaseline?: boolean;
  readonly casenessAtLatest?: boolean;
  /** The thresholds the flags were computed with, and their source. */
  readonly thresholds: { readonly reliableChange?: Threshold; readonly caseness?: Threshold };
}

/**
 * The trend of one instrument's totals: baseline (first) and latest, the change between them,
 * whether it is a reliable improvement or deterioration (a change of at least the instrument's
 * reliable change threshold in the better or worse direction), and caseness at both ends.
 */
export function outcomeTrend(instrument: Instrument, scores: readonly DatedScore[]): OutcomeTrend {
  const series = oldestFirst(scores).map((score) => withBand(instrument, score));
  const baseline = series[0];
  const latest = series.at(-1);
  const change = series.length >= 2 ? roundedChange(baseline!.total, latest!.total) : undefined;
  const { caseness, reliableChange } = instrument;
  return {
    instrument: instrument.id,
    series,
    ...(baseline ? { baseline } : {}),
    ...(latest ? { latest } : {}),
    ...(change !== undefined ? { change } : {}),
    reliableImprovement: isReliable(instrument, change, 'better'),
    reliableDeterioration: isReliable(instrument, change, 'worse'),
    ...(caseness && baseline && latest
      ? {
          casenessAtBaseline: baseline.total >= caseness.value,
          casenessAtLatest: latest.total >= caseness.value,
        }
      : {}),
    thresholds: { ...(reliableChange ? { reliableChange } : {}), ...(caseness ? { caseness } : {}) },
  };
}

/** A PHQ-9 and a GAD-7 taken together (same session, or else same day). */
export interface PairedScores {
  readonly effective: string;
  readonly phq9: number;
  readonly gad7: number;
}

export interface PairedOutcome {
  /** Oldest first; only sessions with both measures count. */
  readonly pairs: readonly PairedScores[];
  readonly baseline?: PairedScores;
  readonly latest?: PairedScores;
  /** A case on either measure at baseline (PHQ-9 ≥ 10 or GAD-7 ≥ 8). */
  readonly caseAtBaseline: boolean;
  readonly caseAtLatest: boolean;
  /** A case at baseline and below caseness on both measures at the latest pair. */
  readonly recovery: boolean;
  /** A reliable fall on at least one measure and a reliable rise on neither. */
  readonly reliableImprovement: boolean;
  /** A reliable rise on at least one measure. */
  readonly reliableDeterioration: boolean;
  /** Recovery and reliable improvement both. */
  readonly reliableRecovery: boolean;
  readonly thresholds: {
    readonly phq9: { readonly caseness: Threshold; readonly reliableChange: Threshold };
    readonly gad7: { readonly caseness: Threshold; readonly reliableChange: Threshold };
  };
}

/**
 * Recovery and reliable recovery over the PHQ-9 + GAD-7 pair, as NHS Talking Therapies defines
 * them (docs/terminology.md, "Outcome measures"), from the first and the latest session in which
 * both were taken. Fewer than two such sessions: no change, so no flag is set.
 */
export function pairedOutcome(phq9: readonly DatedScore[], gad7: readonly DatedScore[]): PairedOutcome {
  const pairs = pairSessions(phq9, gad7);
  const baseline = pairs[0];
  const latest = pairs.at(-1);
  const thresholds = {
    phq9: { caseness: PHQ_9.caseness!, reliableChange: PHQ_9.reliableChange! },
    gad7: { caseness: GAD_7.caseness!, reliableChange: GAD_7.reliableChange! },
  };
  const isCase = (pair: PairedScores | undefined) =>
    pair !== undefined &&
    (pair.phq9 >= thresholds.phq9.caseness.value || pair.gad7 >= thresholds.gad7.caseness.value);
  const changed = pairs.length >= 2;
  const phq9Change = changed ? latest!.phq9 - baseline!.phq9 : 0;
  const gad7Change = changed ? latest!.gad7 - baseline!.gad7 : 0;
  const phq9Step = thresholds.phq9.reliableChange.value;
  const gad7Step = thresholds.gad7.reliableChange.value;
  const reliableDeterioration = phq9Change >= phq9Step || gad7Change >= gad7Step;
  const reliableImprovement = !reliableDeterioration && (phq9Change <= -phq9Step || gad7Change <= -gad7Step);
  const recovery = changed && isCase(baseline) && !isCase(latest);
  return {
    pairs,
    ...(baseline ? { baseline } : {}),
    ...(latest ? { latest } : {}),
    caseAtBaseline: isCase(baseline),
    caseAtLatest: isCase(latest),
    recovery,
    reliableImprovement,
    reliableDeterioration,
    reliableRecovery: recovery && reliableImprovement,
    thresholds,
  };
}

function pairSessions(phq9: readonly DatedScore[], gad7: readonly DatedScore[]): PairedScores[] {
  // A session's key: its encounter, or else the calendar day the measures were taken.
  const key = (score: DatedScore) => score.encounter ?? score.effective.slice(0, 10);
  const anxiety = new Map<string, DatedScore>();
  for (const score of oldestFirst(gad7)) {
    if (!anxiety.has(key(score))) {
      anxiety.set(key(score), score);
    }
  }
  const used = new Set<string>();
  return oldestFirst(phq9).flatMap((depression) => {
    const partner = anxiety.get(key(depression));
    if (!partner || used.has(key(depression))) {
      return [];
    }
    used.add(key(depression));
    return [{ effective: depression.effective, phq9: depression.total, gad7: partner.total }];
  });
}

function isReliable(
  instrument: Instrument,
  change: number | undefined,
  direction: 'better' | 'worse',
): boolean {
  if (change === undefined || !instrument.reliableChange) {
    return false;
  }
  const better = instrument.higherIsBetter ? change : -change;
  const size = direction === 'better' ? better : -better;
  return size >= instrument.reliableChange.value;
}

/** SWEMWBS metric scores have two decimals; keep their difference exact at two (3.1, not 3.1000000000000014). */
function roundedChange(from: number, to: number): number {
  return Math.round((to - from) * 100) / 100;
}

function withBand(instrument: Instrument, score: DatedScore): TrendPoint {
  const band = bandOf(instrument, score.total);
  return band ? { ...score, band } : { ...score };
}

/** Oldest first; scores of the same moment keep the order they were given in. */
function oldestFirst<T extends DatedScore>(scores: readonly T[]): T[] {
  return [...scores].sort((a, b) => Date.parse(a.effective) - Date.parse(b.effective));
}
