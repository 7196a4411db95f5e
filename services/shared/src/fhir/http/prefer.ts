import type { Request } from 'express';

export interface Preferences {
  /** Prefer: handling=strict makes unknown search parameters an error. */
  readonly strict: boolean;
  readonly return: 'minimal' | 'representation' | 'OperationOutcome';
}

/** Reads the RFC 7240 Prefer header for the two preferences FHIR defines. */
export function preferences(req: Request): Preferences {
  const tokens = (req.get('prefer') ?? '').split(/[,;]/).map((token) => token.trim().replace(/"/g, ''));
  const returnToken = tokens.find((token) => token.startsWith('return='))?.slice('return='.length);
  return {
    strict: tokens.includes('handling=strict'),
    return: returnToken === 'minimal' || returnToken === 'OperationOutcome' ? returnToken : 'representation',
  };
}
