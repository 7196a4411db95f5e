import os from 'node:os';
import { ConfigError } from './config-error.js';
import { parseEhrConnections, type EhrConnection } from './ehr-connections.js';

export { ConfigError };

/**
 * Runtime configuration, read from the environment once at start-up, validated and frozen.
 * Nothing below this module reads process.env: the parsed config is passed in.
 */
export interface Config {
  readonly nodeEnv: string;
  readonly port: number;
  /** Base URL clients see; used in Location headers, Bundle links and token audiences. */
  readonly publicBaseUrl: string;
  /** PostgreSQL connection string; absent means the embedded PGlite database in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly databasePoolSize: number;
  readonly logLevel: string;
  /** Largest request body accepted, in bytes; larger bodies get 413. */
  readonly bodyLimitBytes: number;
  /** How long in-flight requests may take to finish after SIGTERM. */
  readonly shutdownTimeoutMs: number;
  /** How long an Idempotency-Key replays after its first use; expired keys are purged. */
  readonly idempotencyKeyTtlHours: number;
  /** SMART authorization; see parseSmartConfig. There is deliberately no setting to turn it off. */
  readonly smart: SmartConfig;
  /**
   * Whether the development host runs the development SMART authorization server
   * (@peerbridge/sandbox, at /sandbox/auth) and trusts it: on with SANDBOX=1, and on by default
   * when no SMART_ISSUERS are configured (so `npm start` works with nothing set up); SANDBOX=0
   * turns the default off. Never on in production. A service run alone has no sandbox.
   */
  readonly sandbox: boolean;
  /** Which browser origins may call /fhir and /api (CORS); see parseCorsConfig. */
  readonly cors: CorsConfig;
  /** Event delivery; see EventConfig. */
  readonly events: EventConfig;
  /**
   * The EHRs PeerBridge connects to as a SMART Backend Services client (`EHR_CONNECTIONS`; see
   * ehr-connections.ts). The development host adds one to the sandbox EHR when none is set.
   */
  readonly ehrConnections: readonly EhrConnection[];
  readonly writeBack: WriteBackConfig;
}

/**
 * Write-back to EHRs (issue 13). Each connection's deliverer looks for due writes every
 * `WRITE_BACK_INTERVAL_MS`. A write the EHR could not take (no answer, 401, 408, 429, 5xx, an
 * answer that is not FHIR) is tried again after about `WRITE_BACK_RETRY_DELAY_MS` × 2^n with
 * random jitter, never more than `WRITE_BACK_RETRY_DELAY_MAX_MS`, or when the EHR's Retry-After
 * says; meanwhile the connection's delivery pauses. Such writes are never given up: the EHR may be
 * down for a while.
 */
export interface WriteBackConfig {
  readonly intervalMs: number;
  readonly retryDelayMs: number;
  readonly retryDelayMaxMs: number;
}

/**
 * Event delivery (pg-boss). A consumer's event is tried up to `EVENT_MAX_ATTEMPTS` times, the
 * n-th retry after about `EVENT_RETRY_DELAY_SECONDS` × 2^n with random jitter, never more than
 * `EVENT_RETRY_DELAY_MAX_SECONDS`; then it is a dead letter (admin API: /api/events). The relay
 * looks for committed outbox events every `EVENT_RELAY_INTERVAL_MS`. A worker that stops
 * heartbeating for `EVENT_HEARTBEAT_SECONDS` (its process died) loses its jobs and its claimed
 * outbox rows to the others.
 */
export interface EventConfig {
  readonly maxAttempts: number;
  readonly retryDelaySeconds: number;
  readonly retryDelayMaxSeconds: number;
  readonly relayIntervalMs: number;
  readonly heartbeatSeconds: number;
}

/**
 * Browser origins allowed to call the APIs from another origin, as a SMART app on its own web
 * server does. `CORS_ALLOWED_ORIGINS` is a comma-separated list of origins
 * (`https://app.example`, `http://localhost:3000`). Unset, development allows any loopback
 * origin (`http://localhost:<port>`, `http://127.0.0.1:<port>`, `http://[::1]:<port>`), so an
 * app under development works with nothing set, and production allows none.
 */
export interface CorsConfig {
  readonly origins: readonly string[];
  readonly anyLoopbackOrigin: boolean;
}

/**
 * Who may issue the bearer tokens PeerBridge accepts.
 *
 * - `SMART_ISSUERS`: comma-separated issuer URLs (exactly as they appear in a token's `iss`). The
 *   first one is the issuer /fhir/.well-known/smart-configuration describes. Empty turns on the
 *   development sandbox (see `sandbox`), which the development host then adds as the one trusted
 *   issuer (withTrustedIssuer); elsewhere, or with SANDBOX=0 too, no token is accepted and every
 *   protected route answers 401.
 * - `SMART_AUDIENCE`: comma-separated audiences a JWT's `aud` must include one of; default
 *   `{PUBLIC_BASE_URL}/fhir`.
 * - `SMART_INTROSPECTION_CLIENTS`: JSON object mapping an issuer URL to the client credentials
 *   PeerBridge uses at that issuer's RFC 7662 introspection endpoint (client_secret_basic), e.g.
 *   `{"https://ehr.example/auth":{"clientId":"peerbridge","clientSecret":"…"}}`. Opaque tokens are
 *   only accepted from issuers listed here.
 * - `SMART_UNTYPED_TOKEN_ISSUERS`: comma-separated trusted issuers whose JWT access tokens do not
 *   carry `typ: at+jwt` (older EHRs). For every other issuer a JWT without that type (for example
 *   an ID token) is refused, as RFC 9068 asks.
 */
export interface SmartConfig {
  readonly issuers: readonly string[];
  readonly audiences: readonly string[];
  readonly introspectionClients: ReadonlyMap<string, IntrospectionClient>;
  readonly untypedTokenIssuers: readonly string[];
}

export interface IntrospectionClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

export function parseConfig(env: Record<string, string | undefined>, defaults: { port: number }): Config {
  const port = parseInteger(env, 'PORT', defaults.port, 0, 65535);
  const publicBaseUrl = trimTrailingSlash(env.PUBLIC_BASE_URL ?? `http://localhost:${port}`);
  assertUrl('PUBLIC_BASE_URL', publicBaseUrl);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl) {
    assertUrl('DATABASE_URL', databaseUrl);
  }
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const nodeEnv = env.NODE_ENV ?? 'development';
  const sandbox = parseSandbox(env, nodeEnv);
  return Object.freeze({
    nodeEnv,
    port,
    publicBaseUrl,
    databaseUrl,
    dataDir: env.DATA_DIR ?? '.data',
    databasePoolSize: parseInteger(env, 'DATABASE_POOL_SIZE', defaultPoolSize(), 1, 500),
    logLevel,
    bodyLimitBytes: parseInteger(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 50 * 1024 * 1024),
    shutdownTimeoutMs: parseInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    idempotencyKeyTtlHours: parseInteger(env, 'IDEMPOTENCY_KEY_TTL_HOURS', 24, 1, 24 * 365),
    smart: parseSmartConfig(env, publicBaseUrl),
    sandbox,
    cors: parseCorsConfig(env, nodeEnv),
    events: Object.freeze({
      maxAttempts: parseInteger(env, 'EVENT_MAX_ATTEMPTS', 5, 1, 100),
      retryDelaySeconds: parseInteger(env, 'EVENT_RETRY_DELAY_SECONDS', 2, 1, 3600),
      retryDelayMaxSeconds: parseInteger(env, 'EVENT_RETRY_DELAY_MAX_SECONDS', 300, 1, 86_400),
      relayIntervalMs: parseInteger(env, 'EVENT_RELAY_INTERVAL_MS', 100, 10, 60_000),
      // pg-boss takes no heartbeat under 10 s.
      heartbeatSeconds: parseInteger(env, 'EVENT_HEARTBEAT_SECONDS', 30, 10, 3600),
    }),
    ehrConnections: parseEhrConnections(env.EHR_CONNECTIONS),
    writeBack: Object.freeze({
      intervalMs: parseInteger(env, 'WRITE_BACK_INTERVAL_MS', 1000, 10, 86_400_000),
      retryDelayMs: parseInteger(env, 'WRITE_BACK_RETRY_DELAY_MS', 1000, 10, 600_000),
      retryDelayMaxMs: parseInteger(env, 'WRITE_BACK_RETRY_DELAY_MAX_MS', 300_000, 10, 86_400_000),
    }),
  });
}

/**
 * PostgreSQL does the most work with a few connections per CPU core; more only make its backends
 * queue and contend for locks (on 2 cores, 20 connections cost each create about 40 % more
 * database CPU than 4; docs/performance.md). The PostgreSQL wiki's starting point for a pool is
 * twice the cores plus one.
 */
function defaultPoolSize(): number {
  return 2 * os.availableParallelism() + 1;
}

function parseSmartConfig(env: Record<string, string | undefined>, publicBaseUrl: string): SmartConfig {
  const issuers = urlList(env, 'SMART_ISSUERS');
  const audiences = urlList(env, 'SMART_AUDIENCE');
  const untypedTokenIssuers = urlList(env, 'SMART_UNTYPED_TOKEN_ISSUERS');
  for (const issuer of untypedTokenIssuers) {
    if (!issuers.includes(issuer)) {
      throw new ConfigError(`SMART_UNTYPED_TOKEN_ISSUERS names ${issuer}, which is not in SMART_ISSUERS`);
    }
  }
  return Object.freeze({
    issuers,
    audiences: audiences.length > 0 ? audiences : [`${publicBaseUrl}/fhir`],
    introspectionClients: parseIntrospectionClients(env.SMART_INTROSPECTION_CLIENTS, issuers),
    untypedTokenIssuers,
  });
}

/**
 * The configuration with one more trusted issuer, after the configured ones, and the client
 * PeerBridge introspects its opaque tokens with (unless SMART_INTROSPECTION_CLIENTS names one):
 * how a host trusts an authorization server it runs itself, such as the development sandbox.
 */
export function withTrustedIssuer(
  config: Config,
  issuer: string,
  introspectionClient?: IntrospectionClient,
): Config {
  assertUrl('trusted issuer', issuer);
  const { smart } = config;
  const introspectionClients =
    introspectionClient && !smart.introspectionClients.has(issuer)
      ? new Map([...smart.introspectionClients, [issuer, introspectionClient]])
      : smart.introspectionClients;
  return Object.freeze({
    ...config,
    smart: Object.freeze({
      ...smart,
      issuers: smart.issuers.includes(issuer) ? smart.issuers : [...smart.issuers, issuer],
      introspectionClients,
    }),
  });
}

function urlList(env: Record<string, string | undefined>, name: string): string[] {
  const values = (env[name] ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  for (const value of values) {
    assertUrl(name, value);
  }
  return [...new Set(values)];
}

function parseIntrospectionClients(
  raw: string | undefined,
  issuers: readonly string[],
): ReadonlyMap<string, IntrospectionClient> {
  const clients = new Map<string, IntrospectionClient>();
  if (raw === undefined || raw.trim() === '') {
    return clients;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('SMART_INTROSPECTION_CLIENTS must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('SMART_INTROSPECTION_CLIENTS must be a JSON object');
  }
  for (const [issuer, value] of Object.entries(parsed)) {
    const { clientId, clientSecret } = (value ?? {}) as Record<string, unknown>;
    if (!issuers.includes(issuer)) {
      throw new ConfigError(`SMART_INTROSPECTION_CLIENTS names ${issuer}, which is not in SMART_ISSUERS`);
    }
    if (
      typeof clientId !== 'string' ||
      clientId === '' ||
      typeof clientSecret !== 'string' ||
      clientSecret === ''
    ) {
      throw new ConfigError(`SMART_INTROSPECTION_CLIENTS[${issuer}] needs a clientId and a clientSecret`);
    }
    clients.set(issuer, Object.freeze({ clientId, clientSecret }));
  }
  return clients;
}

function parseCorsConfig(env: Record<string, string | undefined>, nodeEnv: string): CorsConfig {
  const raw = env.CORS_ALLOWED_ORIGINS;
  const origins = (raw ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  for (const origin of origins) {
    // An origin is scheme, host and port only: a path or a trailing slash would never match the
    // Origin header a browser sends.
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new ConfigError(
        `CORS_ALLOWED_ORIGINS must list origins such as https://app.example (no path), not ${origin}`,
      );
    }
  }
  return Object.freeze({
    origins: Object.freeze([...new Set(origins)]),
    anyLoopbackOrigin: raw === undefined && nodeEnv !== 'production',
  });
}

function parseSandbox(env: Record<string, string | undefined>, nodeEnv: string): boolean {
  const raw = env.SANDBOX ?? '';
  if (!['', '0', '1'].includes(raw)) {
    throw new ConfigError('SANDBOX must be 0 or 1');
  }
  const sandbox = raw === '1' || (raw === '' && (env.SMART_ISSUERS ?? '').trim() === '');
  if (sandbox && nodeEnv === 'production') {
    // Its demo users, demo clients and published demo keys would let anyone mint tokens.
    throw new ConfigError(
      'The development authorization server (SANDBOX=1, or no SMART_ISSUERS) never runs with NODE_ENV=production: set SMART_ISSUERS to the health system issuers',
    );
  }
  return sandbox;
}

function parseInteger(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function assertUrl(name: string, value: string): void {
  try {
    new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL`);
  }
}

function trimTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
