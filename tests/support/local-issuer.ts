import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CompactSign,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

export type SigningAlgorithm = 'RS256' | 'RS384' | 'ES256' | 'ES384';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the issuer answers on one path: a status and a JSON body, or nothing at all (a hang). */
export type Answer =
  { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> } | 'hang';

interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * The network edge of an authorization server for unit tests of the auth module: plain HTTP on
 * 127.0.0.1 serving a discovery document, a JWKS of keys generated with jose and an RFC 7662
 * introspection endpoint, each answer replaceable by the test, and every request recorded. It
 * implements no OAuth itself (tests/support/test-issuer.ts is the real authorization server);
 * tokens are signed here as given, so tests can mint the bad ones no issuer would.
 */
export class LocalIssuer {
  readonly requests: ReceivedRequest[] = [];
  private readonly answers = new Map<string, (request: ReceivedRequest) => Answer>();
  private readonly keys = new Map<string, SigningKey>();
  private readonly published = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {
    this.reset();
  }

  /**
   * Starts on a free port with one published key per algorithm given. ES256 alone by default:
   * an RSA key takes half a second to generate here, an EC key a few milliseconds.
   */
  static async start(algorithms: readonly SigningAlgorithm[] = ['ES256']): Promise<LocalIssuer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    const { port } = server.address() as AddressInfo;
    const issuer = new LocalIssuer(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', issuer.origin).pathname;
        const request = {
          method: req.method ?? '',
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        issuer.requests.push(request);
        const answer = issuer.answers.get(path)?.(request) ?? { status: 404, body: { error: 'not_found' } };
        if (answer === 'hang') {
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    for (const alg of algorithms) {
      await issuer.addKey(alg);
    }
    return issuer;
  }

  /** The issuer identifier (`iss`). */
  get url(): string {
    return `${this.origin}/auth`;
  }

  /** The discovery document served by default. */
  metadata(): Record<string, unknown> {
    return {
      issuer: this.url,
      jwks_uri: `${this.url}/jwks`,
      introspection_endpoint: `${this.url}/introspect`,
    };
  }

  /** Back to the default answers, with no requests recorded (keys stay as they are). */
  reset(): void {
    this.requests.length = 0;
    this.answers.clear();
    this.answer('/auth/.well-known/openid-configuration', () => ({ status: 200, body: this.metadata() }));
    this.answer('/auth/jwks', () => ({
      status: 200,
      body: { keys: [...this.published].map((kid) => this.keys.get(kid)!.publicJwk) },
    }));
    this.answer('/auth/introspect', () => ({ status: 200, body: { active: false } }));
  }

  /** Replaces what one path answers. */
  answer(path: string, answer: Answer | ((request: ReceivedRequest) => Answer)): void {
    this.answers.set(path, typeof answer === 'function' ? answer : () => answer);
  }

  /** The paths requested so far, in order. */
  paths(): string[] {
    return this.requests.map((request) => request.path);
  }

  /** Generates a key; published ones are in the JWKS, the others only sign. Returns its kid. */
  async addKey(alg: SigningAlgorithm, options: { published?: boolean } = {}): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    const kid = randomUUID();
    this.keys.set(kid, { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } });
    if (options.published !== false) {
      this.published.add(kid);
    }
    return kid;
  }

  /** Signs claims as given with a published key of `alg` (ES256 by default), typed at+jwt. */
  async sign(
    claims: JWTPayload,
    options: { alg?: SigningAlgorithm; kid?: string; header?: Record<string, unknown> } = {},
  ): Promise<string> {
    const key = options.kid
      ? this.keys.get(options.kid)!
      : [...this.keys.values()].find((k) => this.published.has(k.kid) && k.alg === (options.alg ?? 'ES256'))!;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header } as never)
      .sign(key.privateKey);
  }

  /** Signs any payload, JSON or not, with the published ES256 key (a JWS no issuer would send). */
  async signBytes(payload: string): Promise<string> {
    const key = [...this.keys.values()].find((k) => this.published.has(k.kid) && k.alg === 'ES256')!;
    return new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

/**
 * A LocalIssuer for the calling test file: started before its tests, closed after them, and back
 * to its default answers with no requests recorded before each test. The object returned stands
 * for the issuer once it has started.
 */
export function useLocalIssuer(algorithms?: readonly SigningAlgorithm[]): LocalIssuer {
  let started: LocalIssuer | undefined;
  beforeAll(async () => {
    started = await LocalIssuer.start(algorithms);
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    started?.reset();
  });
  return new Proxy({} as LocalIssuer, {
    get: (_target, property) => {
      if (!started) {
        throw new Error('the local issuer starts in beforeAll; use it inside a test or hook');
      }
      const value: unknown = Reflect.get(started, property, started);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
}

/** Seconds since the epoch, as JWT claims count time. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
