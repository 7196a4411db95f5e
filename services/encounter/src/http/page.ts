import type { Request } from 'express';

/**
 * One page of a list operation, with `next` (the same query at the following offset) while more
 * items remain.
 */
export function pageOf<T>(
  req: Request,
  listUrl: string,
  page: { items: T[]; total: number },
  limit: number,
  offset: number,
) {
  const next = new URL(req.originalUrl, 'http://local').searchParams;
  next.set('offset', String(offset + limit));
  return {
    items: page.items,
    total: page.total,
    limit,
    offset,
    ...(offset + limit < page.total ? { next: `${listUrl}?${next.toString()}` } : {}),
  };
}
