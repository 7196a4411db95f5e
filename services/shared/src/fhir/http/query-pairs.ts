import type { Request } from 'express';

/**
 * The search parameters of a request in the order sent, repeats kept: from the URL, and for
 * POST `_search` also from the form body.
 */
export function queryPairs(req: Request): [string, string][] {
  const pairs = [...new URL(req.originalUrl, 'http://local').searchParams];
  if (req.method === 'POST' && typeof req.body === 'object' && req.body !== null) {
    for (const [key, value] of Object.entries(req.body as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        pairs.push([key, String(item)]);
      }
    }
  }
  return pairs;
}
