/**
 * SWEMWBS raw score (7–35) → metric score, the published Rasch conversion table (Warwick Medical
 * School; docs/terminology.md). Indexed by raw score − 7.
 */
const METRIC = [
  7.0, 9.51, 11.25, 12.4, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59, 19.25, 19.98,
  20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.7, 32.55, 35.0,
] as const;

export function swemwbsMetricScore(raw: number): number {
  const metric = Number.isInteger(raw) ? METRIC[raw - 7] : undefined;
  if (metric === undefined) {
    // Scoring only passes sums of validated answers; anything else is a programming error.
    throw new RangeError(`SWEMWBS raw score ${raw} is outside 7–35`);
  }
  return metric;
}
