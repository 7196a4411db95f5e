import type { Band } from './instrument.js';
import { OUTCOME_SCORE_SYSTEM } from './systems.js';

/** A band named by a PeerBridge outcome-score code (its display as the CodeSystem gives it). */
export const band = (min: number, max: number, code: string, display: string): Band => ({
  min,
  max,
  code: { system: OUTCOME_SCORE_SYSTEM, code, display },
});
