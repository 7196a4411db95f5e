import express, { type RequestHandler, type Router } from 'express';

/**
 * Failures the sandbox EHR shows on purpose, so tests (and demos) can watch PeerBridge ride out
 * an EHR outage against the real server rather than a mock: an HTTP status (503 and 429 with
 * `Retry-After`, 500, 401 as for a token the EHR no longer takes), a response that is not FHIR
 * (an HTML error page, truncated JSON), a hang (the request is held, then answered normally), or
 * a drop (the connection is closed with no answer at all, as an unreachable EHR's). A fault lasts `count` requests or
 * `seconds`, whichever ends first, and targets the FHIR API or the token endpoint.
 */
export type EhrFaultKind = 503 | 429 | 500 | 401 | 'hang' | 'drop' | 'html' | 'truncated';
export type EhrFaultTarget = 'fhir' | 'token';

export interface EhrFault {
  readonly kind: EhrFaultKind;
  readonly target: EhrFaultTarget;
  /** How many requests fail; unlimited when absent. */
  readonly count?: number;
  /** How long the fault lasts; until cleared when absent. */
  readonly seconds?: number;
  /** The `Retry-After` sent with 503 and 429. */
  readonly retryAfterSeconds?: number;
  /** How long a hung request is held before it is answered. */
  readonly hangMs?: number;
}

const KINDS: readonly EhrFaultKind[] = [503, 429, 500, 401, 'hang', 'drop', 'html', 'truncated'];
const TARGETS: readonly EhrFaultTarget[] = ['fhir', 'token'];

interface ActiveFault extends EhrFault {
  remaining: number;
  readonly until: number;
}

export class EhrFaults {
  private active: ActiveFault | undefined;
  private failed = 0;

  set(fault: EhrFault): void {
    this.active = {
      ...fault,
      remaining: fault.count ?? Number.POSITIVE_INFINITY,
      until: fault.seconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + fault.seconds * 1000,
    };
    this.failed = 0;
  }

  clear(): void {
    this.active = undefined;
  }

  /** The fault in force and how many requests it has failed so far. */
  status(): { fault: EhrFault | null; failed: number } {
    const { remaining: _remaining, until: _until, ...fault } = this.active ?? ({} as ActiveFault);
    return { fault: this.active ? fault : null, failed: this.failed };
  }

  /** Answers the request with the fault in force for `target`, if any; otherwise passes it on. */
  middleware(target: EhrFaultTarget): RequestHandler {
    return (_req, res, next) => {
      const fault = this.take(target);
      if (!fault) {
        next();
        return;
      }
      switch (fault.kind) {
        case 'drop':
          res.socket?.destroy();
          return;
        case 'hang':
          setTimeout(next, fault.hangMs ?? 30_000).unref();
          return;
        case 'html':
          res.status(502).type('html').send('<!doctype html><title>Bad gateway</title><h1>Bad gateway</h1>');
          return;
        case 'truncated':
          res
            .status(200)
            .type('application/fhir+json')
            .send('{"resourceType":"Bundle","type":"searchset","entry":[{"res');
          return;
        case 401:
          res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
          res
            .status(401)
            .type('application/fhir+json')
            .send({
              resourceType: 'OperationOutcome',
              issue: [{ severity: 'error', code: 'login', diagnostics: 'sandbox EHR fault' }],
            });
          return;
        default:
          if (fault.kind !== 500) {
            res.set('Retry-After', String(fault.retryAfterSeconds ?? 1));
          }
          res
            .status(fault.kind)
            .type('application/fhir+json')
            .send({
              resourceType: 'OperationOutcome',
              issue: [
                {
                  severity: 'error',
                  code: fault.kind === 429 ? 'throttled' : 'transient',
                  diagnostics: 'sandbox EHR fault',
                },
              ],
            });
      }
    };
  }

  private take(target: EhrFaultTarget): ActiveFault | undefined {
    const fault = this.active;
    if (!fault || fault.target !== target) {
      return undefined;
    }
    if (fault.remaining <= 0 || Date.now() >= fault.until) {
      this.active = undefined;
      return undefined;
    }
    fault.remaining -= 1;
    this.failed += 1;
    return fault;
  }
}

/**
 * The control: `PUT /_faults` with a JSON fault, `DELETE /_faults` to end it, `GET /_faults` for
 * what is in force. Sandbox only (the sandbox never runs in production), so it asks for no token.
 */
export function ehrFaultControl(faults: EhrFaults): Router {
  const router = express.Router();
  router.get('/_faults', (_req, res) => {
    res.json(faults.status());
  });
  router.put('/_faults', express.json(), (req, res) => {
    const fault = parseFault(req.body);
    if (typeof fault === 'string') {
      res.status(400).json({ error: fault });
      return;
    }
    faults.set(fault);
    res.json(faults.status());
  });
  router.delete('/_faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
  return router;
}

function parseFault(body: unknown): EhrFault | string {
  const fields = (body ?? {}) as Record<string, unknown>;
  if (!KINDS.includes(fields.kind as EhrFaultKind)) {
    return `kind must be one of ${KINDS.join(', ')}`;
  }
  const target = fields.target ?? 'fhir';
  if (!TARGETS.includes(target as EhrFaultTarget)) {
    return `target must be one of ${TARGETS.join(', ')}`;
  }
  for (const name of ['count', 'seconds', 'retryAfterSeconds', 'hangMs']) {
    const value = fields[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      return `${name} must be a non-negative integer`;
    }
  }
  return { ...(fields as Omit<EhrFault, 'target'>), target: target as EhrFaultTarget };
}
