import type { Request } from 'express';
import { badRequest } from '../../errors/operation-outcome-error.js';
import { SEARCH_LIMITS } from '../search/search-request.js';

/**
 * The search parameters of a request in the order sent, repeats kept: from the URL, and for
 * POST `_search` also from the form body. A query longer than SEARCH_LIMITS.queryLength is
 * refused before it is looked at.
 */
export function queryPairs(req: Request): [string, string][] {
  const url = new URL(req.originalUrl, 'http://local');
  assertLength(url.search.length - 1, 'query string');
  const pairs = [...url.searchParams];
  if (req.method === 'POST' && typeof req.body === 'object' && req.body !== null) {
    let length = 0;
    for (const [key, value] of Object.entries(req.body as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        pairs.push([key, String(item)]);
        length += key.length + String(item).length + 2;
      }
    }
    assertLength(length - 1, 'form body');
  }
  return pairs;
}

function assertLength(length: number, what: string): void {
  if (length > SEARCH_LIMITS.queryLength) {
    throw badRequest(
      `A search's ${what} may be at most ${SEARCH_LIMITS.queryLength} characters long; this one has ${length}`,
    );
  }
}
