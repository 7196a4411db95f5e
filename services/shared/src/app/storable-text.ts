import type { RequestHandler } from 'express';
import { badRequest } from '../errors/operation-outcome-error.js';

/**
 * Text PostgreSQL can store: no NUL character (neither text nor jsonb holds one) and no unpaired
 * UTF-16 surrogate (not valid Unicode; JSON's `\ud800` escapes can produce one).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\0') && text.isWellFormed();
}

/** Deeper than any FHIR resource or REST body nests; JSON.parse itself takes any depth. */
const MAX_DEPTH = 100;

/**
 * Refuses a JSON body nested deeper than MAX_DEPTH, or holding text that could not be stored, before any handler sees it: a 400
 * whose expression is the member's path (`ServiceRequest.note[0].text` for a FHIR resource,
 * `reason.text` for a REST body).
 */
export const storableJsonText: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null) {
    const root = (body as { resourceType?: unknown }).resourceType;
    const path = firstUnstorable(body, typeof root === 'string' ? root : '', 0);
    if (path === TOO_DEEP) {
      throw badRequest(`The body is nested more than ${MAX_DEPTH} levels deep`);
    }
    if (path !== undefined) {
      throw badRequest('Text must not hold a NUL character or an unpaired surrogate', path || '(body)');
    }
  }
  next();
};

const TOO_DEEP = Symbol('too deep');

/** The path of the first member whose name or text cannot be stored; undefined when none. */
function firstUnstorable(value: unknown, path: string, depth: number): string | typeof TOO_DEEP | undefined {
  if (depth > MAX_DEPTH) {
    return TOO_DEEP;
  }
  if (typeof value === 'string') {
    return isStorableText(value) ? undefined : path;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstUnstorable(value[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      if (!isStorableText(key)) return itemPath;
      const found = firstUnstorable(item, itemPath, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
