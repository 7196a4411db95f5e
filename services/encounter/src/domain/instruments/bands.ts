import type { Band, Instrument } from './instrument.js';
import { OUTCOME_SCORE_SYSTEM } from './systems.js';

/** A band named by a PeerBridge outcome-score code (its display as the CodeSystem gives it). */
export const band = (min: number, max: number, code: string, display: string): Band => ({
  min,
  max,
  code: { system: OUTCOME_SCORE_SYSTEM, code, display },
});

/** The band a reported total falls in; undefined where the authors publish no bands. */
export const bandOf = (instrument: Instrument, total: number): Band | undefined =>
  instrument.bands.find((candidate) => candidate.min <= total && total <= candidate.max);
