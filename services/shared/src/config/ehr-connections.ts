import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

/** Client assertion algorithms SMART Backend Services names. */
export const EHR_CLIENT_ALGORITHMS = ['RS384', 'ES384'] as const;
export type EhrClientAlgorithm = (typeof EHR_CLIENT_ALGORITHMS)[number];

/** What PeerBridge can write back to an EHR (issue 13, item 5); a connection names which. */
export const EHR_WRITE_BACK_TYPES = [
  'Task',
  'CareTeam',
  'Encounter',
  'Procedure',
  'QuestionnaireResponse',
  'Observation',
  'Flag',
  'Communication',
] as const;

/** How PeerBridge finds new referrals in an EHR (issue 13, item 4). */
export const EHR_INTAKE_MODES = ['service-request', 'task', 'off'] as const;
export type EhrIntakeMode = (typeof EHR_INTAKE_MODES)[number];

/**
 * The private key PeerBridge signs its client assertions to one EHR with. The key material is a
 * Node KeyObject, which prints as `PrivateKeyObject {}`: logging a connection never shows it.
 */
export interface EhrSigningKey {
  readonly alg: EhrClientAlgorithm;
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public half as a JWK with kid, alg and use, as PeerBridge's JWKS URL serves it. */
  readonly publicJwk: Readonly<JsonWebKey>;
}

/** One EHR PeerBridge talks to as a SMART Backend Services client. */
export interface EhrConnection {
  readonly id: string;
  readonly fhirBaseUrl: string;
  /** Absent: found through `{fhirBaseUrl}/.well-known/smart-configuration`. */
  readonly tokenEndpoint: string | undefined;
  readonly clientId: string;
  readonly signingKey: EhrSigningKey;
  readonly scopes: readonly string[];
  /** Resource types PeerBridge writes back to this EHR. */
  readonly writeBack: readonly string[];
  /**
   * How intake polls; `owner` (the program's Organization as the EHR knows it, e.g.
   * `Organization/peer-support`) is what `Task?owner=` searches for in task mode.
   */
  readonly intake: {
    readonly mode: EhrIntakeMode;
    readonly intervalSeconds: number;
    readonly owner?: string;
  };
  /** Every FHIR and token request to this EHR is abandoned after this long. */
  readonly requestTimeoutMs: number;
}

const SETTING = 'EHR_CONNECTIONS';
const DEFAULT_SCOPES = ['system/Patient.rs', 'system/ServiceRequest.rs', 'system/Task.cruds'];
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * `EHR_CONNECTIONS`: a JSON array of connections, or the path of a file holding one. Each is
 * checked here, at start-up, and refused with a message naming the setting and the field, never
 * the key. See the README's configuration table for the fields.
 */
export function parseEhrConnections(raw: string | undefined): readonly EhrConnection[] {
  if (raw === undefined || raw.trim() === '') {
    return Object.freeze([]);
  }
  const parsed = parseJson(readSetting(raw.trim()));
  if (!Array.isArray(parsed)) {
    throw new ConfigError(`${SETTING} must be a JSON array of connections`);
  }
  const connections = parsed.map((entry, index) => parseConnection(entry, index));
  const ids = new Set<string>();
  for (const connection of connections) {
    if (ids.has(connection.id)) {
      throw new ConfigError(`${SETTING} names the connection ${connection.id} twice`);
    }
    ids.add(connection.id);
  }
  return Object.freeze(connections);
}

function readSetting(value: string): string {
  if (value.startsWith('[') || value.startsWith('{')) {
    return value;
  }
  try {
    return readFileSync(value, 'utf8');
  } catch {
    throw new ConfigError(`${SETTING} is neither JSON nor a readable file`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which may hold a key.
    throw new ConfigError(`${SETTING} is not valid JSON`);
  }
}

function parseConnection(entry: unknown, index: number): EhrConnection {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`${SETTING}[${index}] must be an object`);
  }
  const fields = entry as Record<string, unknown>;
  const id = fields.id;
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new ConfigError(`${SETTING}[${index}].id must be letters, digits, - or _ (at most 64)`);
  }
  const name = (field: string) => `${SETTING}[${id}].${field}`;
  const clientId = fields.clientId;
  if (typeof clientId !== 'string' || clientId.trim() === '') {
    throw new ConfigError(`${name('clientId')} is required`);
  }
  const tokenEndpoint =
    fields.tokenEndpoint === undefined ? undefined : url(fields.tokenEndpoint, name('tokenEndpoint'));
  return Object.freeze({
    id,
    fhirBaseUrl: url(fields.fhirBaseUrl, name('fhirBaseUrl')).replace(/\/+$/, ''),
    tokenEndpoint,
    clientId,
    signingKey: parseSigningKey(fields.privateKey, fields.alg, fields.kid, name),
    scopes: Object.freeze(stringList(fields.scopes, name('scopes')) ?? DEFAULT_SCOPES),
    writeBack: Object.freeze(writeBackTypes(fields.writeBack, name('writeBack'))),
    intake: parseIntake(fields.intake, name),
    requestTimeoutMs: integer(fields.requestTimeoutMs, name('requestTimeoutMs'), 10_000, 100, 300_000),
  });
}

function parseIntake(value: unknown, name: (field: string) => string): EhrConnection['intake'] {
  const intake = (value ?? {}) as Record<string, unknown>;
  if (typeof intake !== 'object' || Array.isArray(intake)) {
    throw new ConfigError(`${name('intake')} must be an object`);
  }
  const mode = intake.mode ?? 'service-request';
  if (!EHR_INTAKE_MODES.includes(mode as EhrIntakeMode)) {
    throw new ConfigError(`${name('intake.mode')} must be one of ${EHR_INTAKE_MODES.join(', ')}`);
  }
  const owner = intake.owner;
  if (
    owner !== undefined &&
    (typeof owner !== 'string' || !/(^|\/)Organization\/[A-Za-z0-9\-.]{1,64}$/.test(owner))
  ) {
    throw new ConfigError(
      `${name('intake.owner')} must reference an Organization, e.g. Organization/peer-support`,
    );
  }
  if (mode === 'task' && owner === undefined) {
    throw new ConfigError(
      `${name('intake.owner')} is required when intake.mode is task (Task?owner= polls for it)`,
    );
  }
  return Object.freeze({
    mode: mode as EhrIntakeMode,
    intervalSeconds: integer(intake.intervalSeconds, name('intake.intervalSeconds'), 60, 1, 86_400),
    ...(owner === undefined ? {} : { owner }),
  });
}

/**
 * The connection's private key, a JWK (object) or a PEM (PKCS#8 or traditional), checked against
 * its algorithm: RS384 needs an RSA key of 2048 bits or more, ES384 an EC key on P-384.
 */
function parseSigningKey(
  value: unknown,
  alg: unknown,
  kid: unknown,
  name: (field: string) => string,
): EhrSigningKey {
  if (!EHR_CLIENT_ALGORITHMS.includes(alg as EhrClientAlgorithm)) {
    throw new ConfigError(`${name('alg')} must be one of ${EHR_CLIENT_ALGORITHMS.join(', ')}`);
  }
  if (value === undefined || value === null || value === '') {
    throw new ConfigError(`${name('privateKey')} is required (a private JWK or PEM)`);
  }
  let privateKey: KeyObject;
  try {
    privateKey =
      typeof value === 'string'
        ? createPrivateKey(value)
        : createPrivateKey({ key: value as JsonWebKey, format: 'jwk' });
  } catch {
    // Never the library's message: it may quote the key.
    throw new ConfigError(`${name('privateKey')} is not a private key (a private JWK or PEM)`);
  }
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) {
    throw new ConfigError(`${name('kid')} must be a non-empty string`);
  }
  return signingKeyOf(privateKey, alg as EhrClientAlgorithm, kid as string | undefined, name('privateKey'));
}

/**
 * A signing key from a private KeyObject, checked against its algorithm; its kid, unless given,
 * is the RFC 7638 thumbprint of the public key. Also how a host makes a key of its own (the
 * development sandbox's connection).
 */
export function signingKeyOf(
  privateKey: KeyObject,
  alg: EhrClientAlgorithm,
  kid?: string,
  setting = 'privateKey',
): EhrSigningKey {
  if (privateKey.type !== 'private') {
    throw new ConfigError(`${setting} must be a private key, not a public one`);
  }
  const details = privateKey.asymmetricKeyDetails ?? {};
  const suitable =
    alg === 'RS384'
      ? privateKey.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048
      : privateKey.asymmetricKeyType === 'ec' && details.namedCurve === 'secp384r1';
  if (!suitable) {
    throw new ConfigError(
      `${setting} does not suit ${alg} (${alg === 'RS384' ? 'an RSA key of at least 2048 bits' : 'an EC key on P-384'})`,
    );
  }
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicJwk = Object.freeze({ ...jwk, kid: kid ?? thumbprint(jwk), alg, use: 'sig' });
  return Object.freeze({ alg, kid: publicJwk.kid, privateKey, publicJwk });
}

/** RFC 7638: SHA-256 over the required members in lexicographic order. */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function url(value: unknown, setting: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ConfigError(`${setting} must be an absolute http(s) URL`);
  }
  return value;
}

function writeBackTypes(value: unknown, setting: string): string[] {
  const types = stringList(value, setting) ?? [];
  const unknown = types.find((type) => !(EHR_WRITE_BACK_TYPES as readonly string[]).includes(type));
  if (unknown !== undefined) {
    throw new ConfigError(
      `${setting} names ${unknown}; PeerBridge writes back ${EHR_WRITE_BACK_TYPES.join(', ')}`,
    );
  }
  return types;
}

function stringList(value: unknown, setting: string): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const list = typeof value === 'string' ? value.split(' ').filter((item) => item !== '') : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new ConfigError(`${setting} must be a list of strings`);
  }
  return list as string[];
}

function integer(value: unknown, setting: string, fallback: number, min: number, max: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${setting} must be an integer between ${min} and ${max}`);
  }
  return value;
}
