import { errors, jwtVerify, type FlattenedJWSInput, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { AccessTokenClaims } from './auth-context.js';
import { IssuerUnavailableError } from './issuer-metadata.js';
import type { TrustedIssuer } from './trusted-issuer.js';

/** Asymmetric algorithms only: an HMAC "signed" with the issuer's public key must never verify. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'ES256', 'ES384'];
/** Largest clock difference tolerated on exp and nbf. */
export const CLOCK_TOLERANCE_SECONDS = 60;

export class TokenRejectedError extends Error {
  constructor(
    /** Short machine-readable reason, safe to log. */
    readonly reason: string,
    /** What the client is told. */
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * Verifies a JWT access token from one trusted issuer (RFC 9068 profile): signature by a key from
 * the issuer's JWKS with a pinned algorithm, `iss`, `aud`, `exp` (required), `nbf`, and — unless
 * the issuer is known not to type its tokens — `typ: at+jwt`, which keeps ID tokens out.
 */
export async function verifyJwtAccessToken(
  token: string,
  issuer: TrustedIssuer,
  options: { audiences: readonly string[]; typed: boolean },
): Promise<AccessTokenClaims> {
  const keys = await issuer.keys();
  const getKey = async (header: JWTHeaderParameters, input: FlattenedJWSInput) => {
    try {
      return await keys(header, input);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw error;
      }
      throw new IssuerUnavailableError(`JWKS of ${issuer.url} could not be read`);
    }
  };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: ACCEPTED_ALGORITHMS,
      issuer: issuer.url,
      audience: [...options.audiences],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp'],
      ...(options.typed ? { typ: 'at+jwt' } : {}),
    }));
  } catch (error) {
    throw rejection(error);
  }
  if (!options.typed && (payload.nonce !== undefined || payload.at_hash !== undefined)) {
    throw new TokenRejectedError('id_token', 'An ID token is not an access token');
  }
  return { ...payload, iss: issuer.url };
}

function rejection(error: unknown): Error {
  if (error instanceof IssuerUnavailableError) {
    return error;
  }
  if (error instanceof errors.JWTExpired) {
    return new TokenRejectedError('expired', 'The access token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const described: Record<string, string> = {
      aud: 'The access token is not meant for this server',
      iss: 'The access token was issued by an untrusted issuer',
      nbf: 'The access token is not valid yet',
      exp: 'The access token has no expiry',
      typ: 'The token is not an access token (typ must be at+jwt)',
    };
    return new TokenRejectedError(
      `claim_${error.claim}`,
      described[error.claim] ?? `The access token's ${error.claim} claim is not acceptable`,
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new TokenRejectedError(
      'unknown_key',
      'The access token is signed with a key its issuer does not publish',
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenRejectedError(
      'algorithm',
      'The access token is signed with an algorithm this server does not accept',
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenRejectedError('signature', 'The access token signature is invalid');
  }
  if (error instanceof errors.JOSEError) {
    return new TokenRejectedError(error.code.toLowerCase(), 'The access token is malformed');
  }
  return error instanceof Error ? error : new Error('token verification failed');
}
