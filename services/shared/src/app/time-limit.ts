/**
 * What `work` settles to, or `late` once `ms` have passed, whichever comes first; the work is not
 * waited for after that. For answers that must come in time (readiness, shutdown).
 */
export function withinMs<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
