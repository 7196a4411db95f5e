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
}

export class ConfigError extends Error {}

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
  return Object.freeze({
    nodeEnv: env.NODE_ENV ?? 'development',
    port,
    publicBaseUrl,
    databaseUrl,
    dataDir: env.DATA_DIR ?? '.data',
    databasePoolSize: parseInteger(env, 'DATABASE_POOL_SIZE', 20, 1, 500),
    logLevel,
    bodyLimitBytes: parseInteger(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 50 * 1024 * 1024),
    shutdownTimeoutMs: parseInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  });
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
