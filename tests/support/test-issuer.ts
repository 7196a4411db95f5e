import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type Provider from 'oidc-provider';
import { memoryAdapterFactory } from '@peerbridge/sandbox';
import { TEST_AUDIENCE } from './test-audience.js';
import {
  createTestIssuerClients,
  createTestProvider,
  OPAQUE_TOKEN_LIFETIME,
  type OAuthClient,
} from './test-issuer-provider.js';

export type SigningAlgorithm = 'RS256' | 'RS384' | 'ES256' | 'ES384';

interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export interface SignOptions {
  readonly alg?: SigningAlgorithm;
  /** Sign with this key id (it must be one of this issuer's keys, published or not). */
  readonly kid?: string;
  /** Extra or replacement protected header parameters, e.g. `jku` or `typ`. */
  readonly header?: Record<string, unknown>;
}

export interface OpaqueTokenOptions {
  /** Space-separated SMART scopes. */
  readonly scope: string;
  /** Seconds the token lives: 300 (the default) or 2, the lifetimes the issuer's clients get. */
  readonly expiresIn?: number;
  /** The resource server the token is for (RFC 8707 `resource`); the test apps' by default. */
  readonly audience?: string;
}

const MOUNT_PATH = '/auth';

/**
 * A real authorization server for tests: oidc-provider on 127.0.0.1 with its OpenID
 * configuration, a JWKS of RSA and EC keys generated with jose, opaque access tokens from a
 * client_credentials grant, RFC 7662 introspection and RFC 7009 revocation. JWT access tokens are
 * signed here with the same keys and the claims as given, so that tests can also mint the bad
 * tokens no issuer would.
 */
export class TestIssuer {
  jwksRequests = 0;
  introspectionRequests = 0;
  private readonly clients = createTestIssuerClients();
  /** The resource server's credentials for introspection (client_secret_basic). */
  readonly introspectionClient = this.clients.introspection;
  private readonly adapter = memoryAdapterFactory();
  private readonly published: Map<string, SigningKey>;
  private readonly unpublished = new Map<string, SigningKey>();
  private readonly issuedBy = new Map<string, OAuthClient>();
  private provider: Provider;
  private handle: ReturnType<Provider['callback']>;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    keys: readonly SigningKey[],
  ) {
    this.published = new Map(keys.map((key) => [key.kid, key]));
    this.provider = this.buildProvider();
    this.handle = this.provider.callback();
  }

  /**
   * `discovery: 'smart'` serves only /.well-known/smart-configuration, to exercise the fallback;
   * `port` restarts an issuer where a stopped one was.
   */
  static async start(options: { discovery?: 'openid' | 'smart'; port?: number } = {}): Promise<TestIssuer> {
    const app = express();
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    server.unref();
    const { port } = server.address() as AddressInfo;
    const keys = await Promise.all((['RS256', 'RS384', 'ES256', 'ES384'] as const).map(generateSigningKey));
    const issuer = new TestIssuer(server, `http://127.0.0.1:${port}${MOUNT_PATH}`, keys);
    const discovery = options.discovery === 'smart' ? [smartDiscoveryOnly] : [];
    app.use(MOUNT_PATH, ...discovery, (req, res) => void issuer.handle(req, res));
    return issuer;
  }

  /** Generates a key; published keys appear in the JWKS, unpublished ones only sign. */
  async addKey(alg: SigningAlgorithm, options: { published?: boolean } = {}): Promise<string> {
    const key = await generateSigningKey(alg);
    this.unpublished.set(key.kid, key);
    if (options.published !== false) {
      this.publish(key.kid);
    }
    return key.kid;
  }

  /** Moves a key into the JWKS, as a key rotation at a real issuer would. */
  publish(kid: string): void {
    const key = this.unpublished.get(kid);
    if (key) {
      this.unpublished.delete(kid);
      this.published.set(kid, key);
      // oidc-provider's key set is fixed when it is built, so a new one takes over behind the same
      // server; clients and stored tokens carry over, as at an issuer rotating its keys.
      this.provider = this.buildProvider();
      this.handle = this.provider.callback();
    }
  }

  publicJwk(kid: string): JWK {
    return this.keyById(kid).publicJwk;
  }

  /** Signs claims as given (set iss, aud, exp yourself or use tokens.ts). */
  async sign(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
    const key = options.kid ? this.keyById(options.kid) : this.publishedKey(options.alg ?? 'RS256');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header } as never)
      .sign(key.privateKey);
  }

  /** An opaque access token the provider issues to a backend client (client_credentials grant). */
  async issueOpaque(options: OpaqueTokenOptions): Promise<string> {
    const lifetime = options.expiresIn ?? OPAQUE_TOKEN_LIFETIME;
    const client = this.clients.tokens.get(lifetime);
    if (!client) {
      throw new Error(`no client of this issuer gets tokens that live ${lifetime} s`);
    }
    const { access_token: token } = (await this.post('token', client, {
      grant_type: 'client_credentials',
      scope: options.scope,
      resource: options.audience ?? TEST_AUDIENCE,
    })) as { access_token: string };
    this.issuedBy.set(token, client);
    return token;
  }

  /** Revokes an opaque token at the provider's revocation endpoint, as its client would. */
  async revoke(token: string): Promise<void> {
    const client = this.issuedBy.get(token);
    if (!client) {
      throw new Error('this issuer did not issue that token');
    }
    await this.post('revocation', client, { token, token_type_hint: 'access_token' });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private buildProvider(): Provider {
    const provider = createTestProvider({
      issuer: this.url,
      keys: [...this.published.values()].map((key) => key.privateJwk),
      clients: this.clients,
      adapter: this.adapter,
    });
    provider.use(async (ctx, next) => {
      try {
        await next();
      } finally {
        // Counted after routing, which is what names the endpoint; refused requests count too.
        if (ctx.oidc?.route === 'jwks') this.jwksRequests += 1;
        if (ctx.oidc?.route === 'introspection') this.introspectionRequests += 1;
      }
    });
    return provider;
  }

  /** A form post to one of the provider's endpoints with a client's client_secret_basic. */
  private async post(route: 'token' | 'revocation', client: OAuthClient, form: Record<string, string>) {
    const credentials = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    const response = await fetch(this.provider.urlFor(route), {
      method: 'POST',
      headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : {};
    if (!response.ok) {
      throw new Error(
        `the ${route} endpoint answered ${response.status} ${(body as { error?: string }).error}`,
      );
    }
    return body;
  }

  private keyById(kid: string): SigningKey {
    const key = this.published.get(kid) ?? this.unpublished.get(kid);
    if (!key) {
      throw new Error(`no key ${kid}`);
    }
    return key;
  }

  private publishedKey(alg: SigningAlgorithm): SigningKey {
    const key = [...this.published.values()].find((candidate) => candidate.alg === alg);
    if (!key) {
      throw new Error(`no published ${alg} key`);
    }
    return key;
  }
}

async function generateSigningKey(alg: SigningAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg.toLowerCase()}-${randomUUID()}`;
  const parameters = { kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    privateKey,
    privateJwk: { ...(await exportJWK(privateKey)), ...parameters },
    publicJwk: { ...(await exportJWK(publicKey)), ...parameters },
  };
}

/**
 * Some SMART issuers publish their metadata only at /.well-known/smart-configuration, which
 * oidc-provider does not serve. In this mode the OpenID path answers 404 and the SMART path gets
 * the provider's own discovery document, so PeerBridge's fallback discovery meets a real one.
 */
const smartDiscoveryOnly: RequestHandler = (req, res, next) => {
  if (req.path === '/.well-known/openid-configuration') {
    res.status(404).json({ error: 'not_found' });
    return;
  }
  if (req.path === '/.well-known/smart-configuration') {
    req.url = '/.well-known/openid-configuration';
  }
  next();
};

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
