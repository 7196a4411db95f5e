/**
 * The lifecycle as the issue states it, written out independently of the service's own table so
 * that the tests check the implementation against the requirement, not against itself.
 */
export const ALLOWED: Record<string, string[]> = {
  requested: ['accepted', 'rejected', 'cancelled'],
  accepted: ['in-progress', 'on-hold', 'cancelled'],
  'in-progress': ['on-hold', 'completed', 'failed', 'cancelled'],
  'on-hold': ['in-progress', 'cancelled'],
  rejected: [],
  cancelled: [],
  completed: [],
  failed: [],
};

/** A legal way to reach each status from requested. */
export const PATH_TO: Record<string, string[]> = {
  requested: [],
  accepted: ['accepted'],
  'in-progress': ['accepted', 'in-progress'],
  'on-hold': ['accepted', 'on-hold'],
  rejected: ['rejected'],
  cancelled: ['cancelled'],
  completed: ['accepted', 'in-progress', 'completed'],
  failed: ['accepted', 'in-progress', 'failed'],
};

export const TARGETS = ['accepted', 'rejected', 'cancelled', 'in-progress', 'on-hold', 'completed', 'failed'];

/** Every (from, to) pair the lifecycle forbids, staying put included. */
export const ILLEGAL = Object.keys(ALLOWED).flatMap((from) =>
  TARGETS.filter((to) => !ALLOWED[from]!.includes(to)).map((to) => [from, to] as const),
);

export function allowedText(from: string): string {
  const allowed = ALLOWED[from]!;
  return allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : `${from} is final`;
}
