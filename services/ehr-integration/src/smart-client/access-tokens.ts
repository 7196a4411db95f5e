import type { EhrConnection, Logger } from '@peerbridge/shared';
import { signClientAssertion } from './client-assertion.js';
import { EhrClientRefusedError, EhrUnavailableError, oauthError, readJsonResponse } from './ehr-errors.js';
import { discoverTokenEndpoint } from './token-endpoint.js';

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** What a connection's status says about its token endpoint. */
export type TokenState = 'new' | 'connected' | 'refused' | 'unavailable';

export interface TokenStatus {
  readonly state: TokenState;
  /** Token requests sent so far (not the ones a back-off held back). */
  readonly tokenRequests: number;
  /** The last failure: an OAuth error code or an HTTP status, never a token or a key. */
  readonly lastError?: string;
  /** While refused: when the next token request may be made. */
  readonly nextAttemptAt?: string;
}

export interface AccessTokenOptions {
  /** A token is renewed this long before it expires, so no request leaves with a token about to lapse. */
  readonly refreshMarginSeconds?: number;
  /** After a refusal the connection waits this long, doubling on each further refusal up to the maximum. */
  readonly refusalBackoffMs?: number;
  readonly refusalBackoffMaxMs?: number;
  /** Milliseconds since the epoch; tests move it forward instead of sleeping. */
  readonly clock?: () => number;
}

/**
 * The access token of one EHR connection (SMART Backend Services): obtained with
 * client_credentials and a signed client assertion, cached until shortly before it expires, one
 * request at a time however many callers ask together. A token endpoint that refuses the client
 * (a 400 or 401: unknown client, key not registered, scope not allowed) would refuse it again,
 * so the connection is marked refused, logged once per refusal without secrets, and asks again
 * only after a back-off that doubles with each refusal — never in a tight loop.
 */
export class AccessTokens {
  private cached: { readonly token: string; readonly expiresAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private tokenEndpoint: string | undefined;
  private state: TokenState = 'new';
  private lastError: string | undefined;
  private refusals = 0;
  private retryAt = 0;
  private requests = 0;
  private readonly clock: () => number;

  constructor(
    private readonly connection: EhrConnection,
    private readonly logger: Logger,
    private readonly options: AccessTokenOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** A token good for at least the refresh margin. */
  async get(): Promise<string> {
    const marginMs = (this.options.refreshMarginSeconds ?? 30) * 1000;
    if (this.cached && this.clock() < this.cached.expiresAt - marginMs) {
      return this.cached.token;
    }
    this.inFlight ??= this.request().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forgets `token` after the EHR refused it (a 401), so the next get() asks for a new one. */
  invalidate(token: string): void {
    if (this.cached?.token === token) {
      this.cached = undefined;
    }
  }

  status(): TokenStatus {
    return {
      state: this.state,
      tokenRequests: this.requests,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.state === 'refused' ? { nextAttemptAt: new Date(this.retryAt).toISOString() } : {}),
    };
  }

  private async request(): Promise<string> {
    if (this.state === 'refused' && this.clock() < this.retryAt) {
      throw new EhrClientRefusedError(
        this.connection.id,
        this.lastError ?? 'refused',
        new Date(this.retryAt),
      );
    }
    try {
      this.tokenEndpoint ??= await discoverTokenEndpoint(this.connection);
      const requestedAt = this.clock();
      this.requests += 1;
      const response = await fetch(this.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: this.connection.scopes.join(' '),
          client_assertion_type: CLIENT_ASSERTION_TYPE,
          client_assertion: await signClientAssertion(this.connection, this.tokenEndpoint),
        }),
        signal: AbortSignal.timeout(this.connection.requestTimeoutMs),
      }).catch((error: unknown) => {
        throw EhrUnavailableError.from(error, 'token');
      });
      if (response.status === 400 || response.status === 401) {
        const body = await response.json().catch(() => undefined);
        throw this.refused(oauthError(body) ?? `HTTP ${response.status}`);
      }
      const body = (await readJsonResponse(response, 'token')) as {
        access_token?: unknown;
        expires_in?: unknown;
      };
      if (typeof body.access_token !== 'string' || body.access_token === '') {
        throw new EhrUnavailableError('token', response.status, 'no access_token in the answer');
      }
      const lifetimeSeconds =
        typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
      this.cached = { token: body.access_token, expiresAt: requestedAt + lifetimeSeconds * 1000 };
      this.state = 'connected';
      this.lastError = undefined;
      this.refusals = 0;
      return body.access_token;
    } catch (error) {
      if (error instanceof EhrUnavailableError) {
        this.state = 'unavailable';
        this.lastError = error.message;
        this.logger.warn('EHR token endpoint unavailable', {
          connection: this.connection.id,
          error: error.message,
        });
      }
      throw error;
    }
  }

  private refused(code: string): EhrClientRefusedError {
    this.refusals += 1;
    const initial = this.options.refusalBackoffMs ?? 5_000;
    const max = this.options.refusalBackoffMaxMs ?? 300_000;
    this.retryAt = this.clock() + Math.min(max, initial * 2 ** (this.refusals - 1));
    this.state = 'refused';
    this.lastError = code;
    this.cached = undefined;
    const error = new EhrClientRefusedError(this.connection.id, code, new Date(this.retryAt));
    this.logger.warn('EHR token endpoint refused the client', {
      connection: this.connection.id,
      clientId: this.connection.clientId,
      error: code,
      refusals: this.refusals,
      nextAttemptAt: error.retryAt.toISOString(),
    });
    return error;
  }
}
