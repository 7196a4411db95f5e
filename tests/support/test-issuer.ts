import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type SigningAlgorithm = 'RS256' | 'RS384' | 'ES256' | 'ES384';

interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface SignOptions {
  readonly alg?: SigningAlgorithm;
  /** Sign with this key id (it must be one of this issuer's keys, published or not). */
  readonly kid?: string;
  /** Extra or replacement protected header parameters, e.g. `jku` or `typ`. */
  readonly header?: Record<string, unknown>;
}

/**
 * A real, minimal token issuer for tests: RSA and EC keys generated with jose, a JWKS and an
 * OpenID configuration served over HTTP on 127.0.0.1, and an RFC 7662 introspection endpoint for
 * opaque tokens (client_secret_basic). It signs real tokens; it is not an OAuth server (no
 * authorize or token endpoint logic), which is what PeerBridge's resource server needs to be tested
 * against.
 */
export class TestIssuer {
  readonly introspectionClient = {
    clientId: 'peerbridge-resource-server',
    clientSecret: randomBytes(16).toString('hex'),
  };
  jwksRequests = 0;
  introspectionRequests = 0;
  private readonly published = new Map<string, SigningKey>();
  private readonly unpublished = new Map<string, SigningKey>();
  private readonly opaqueTokens = new Map<string, Record<string, unknown>>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly discovery: 'openid' | 'smart',
  ) {}

  /**
   * `discovery: 'smart'` serves only /.well-known/smart-configuration, to exercise the fallback;
   * `port` restarts an issuer where a stopped one was.
   */
  static async start(options: { discovery?: 'openid' | 'smart'; port?: number } = {}): Promise<TestIssuer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    server.unref();
    const { port } = server.address() as AddressInfo;
    const issuer = new TestIssuer(server, `http://127.0.0.1:${port}/auth`, options.discovery ?? 'openid');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      issuer.handle(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await issuer.addKey('RS256');
    await issuer.addKey('RS384');
    await issuer.addKey('ES256');
    await issuer.addKey('ES384');
    return issuer;
  }

  /** Generates a key; published keys appear in the JWKS, unpublished ones only sign. */
  async addKey(alg: SigningAlgorithm, options: { published?: boolean } = {}): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `${alg.toLowerCase()}-${randomUUID()}`;
    const key: SigningKey = {
      kid,
      alg,
      privateKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    };
    (options.published === false ? this.unpublished : this.published).set(kid, key);
    return kid;
  }

  /** Moves a key into the JWKS, as a key rotation at a real issuer would. */
  publish(kid: string): void {
    const key = this.unpublished.get(kid);
    if (key) {
      this.unpublished.delete(kid);
      this.published.set(kid, key);
    }
  }

  publicJwk(kid: string): JWK {
    const key = this.published.get(kid) ?? this.unpublished.get(kid);
    if (!key) {
      throw new Error(`no key ${kid}`);
    }
    return key.publicJwk;
  }

  /** Signs claims as given (set iss, aud, exp yourself or use tokens.ts). */
  async sign(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
    const key = this.key(options);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header } as never)
      .sign(key.privateKey);
  }

  /** Registers an opaque token the introspection endpoint answers `active: true` for. */
  issueOpaque(claims: Record<string, unknown>): string {
    const token = randomBytes(32).toString('base64url');
    this.opaqueTokens.set(token, claims);
    return token;
  }

  revoke(token: string): void {
    this.opaqueTokens.delete(token);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private key(options: SignOptions): SigningKey {
    if (options.kid) {
      const key = this.published.get(options.kid) ?? this.unpublished.get(options.kid);
      if (!key) {
        throw new Error(`no key ${options.kid}`);
      }
      return key;
    }
    const alg = options.alg ?? 'RS256';
    const key = [...this.published.values()].find((candidate) => candidate.alg === alg);
    if (!key) {
      throw new Error(`no published ${alg} key`);
    }
    return key;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const base = new URL(this.url).pathname;
    if (req.method === 'GET' && path === `${base}/.well-known/${this.discovery}-configuration`) {
      return send(200, {
        issuer: this.url,
        jwks_uri: `${this.url}/jwks`,
        authorization_endpoint: `${this.url}/authorize`,
        token_endpoint: `${this.url}/token`,
        introspection_endpoint: `${this.url}/introspect`,
        revocation_endpoint: `${this.url}/revoke`,
        grant_types_supported: ['authorization_code', 'client_credentials'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        scopes_supported: ['openid', 'fhirUser', 'launch', 'launch/patient', 'system/*.rs'],
      });
    }
    if (req.method === 'GET' && path === `${base}/jwks`) {
      this.jwksRequests += 1;
      return send(200, { keys: [...this.published.values()].map((key) => key.publicJwk) });
    }
    if (req.method === 'POST' && path === `${base}/introspect`) {
      this.introspectionRequests += 1;
      const expected = `Basic ${Buffer.from(`${this.introspectionClient.clientId}:${this.introspectionClient.clientSecret}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        return send(401, { error: 'invalid_client' });
      }
      const token = new URLSearchParams(await readBody(req)).get('token') ?? '';
      const claims = this.opaqueTokens.get(token);
      return send(200, claims ? { active: true, ...claims } : { active: false });
    }
    send(404, { error: 'not_found' });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

let shared: Promise<TestIssuer> | undefined;
let users = 0;

/** The issuer every test app of one test file trusts (each Jest test file has its own). */
export function sharedTestIssuer(): Promise<TestIssuer> {
  shared ??= TestIssuer.start();
  return shared;
}

export async function acquireSharedTestIssuer(): Promise<TestIssuer> {
  users += 1;
  return sharedTestIssuer();
}

export async function releaseSharedTestIssuer(): Promise<void> {
  users -= 1;
  if (users === 0 && shared) {
    const issuer = await shared;
    shared = undefined;
    await issuer.close();
  }
}
