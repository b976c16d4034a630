// One jwt_authn provider at run time: where its tokens are in a request, and verifying a token
// against the provider's key set (inline, parsed once per config version, or remote, from its
// cache) with the jose package.
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtProviderConfig } from '../../config/policy.js';
import type { RemoteJwksCache } from './jwks-cache.js';
import type { RequestHead } from '../../http/message.js';
import type { JwtStatus } from './jwt-status.js';
import { extractJwtTokens, type JwtToken, type JwtTokenLocations } from './jwt-token-extractor.js';

export type { JwtToken } from './jwt-token-extractor.js';

/** A verification outcome; `payload` is set when `status` is ok. */
export interface JwtCheck {
  readonly status: JwtStatus;
  readonly payload?: JWTPayload;
}

export interface JwtProvider {
  readonly config: JwtProviderConfig;
  /** Every token in the provider's locations (headers, then query parameters, then cookies); each must verify. */
  tokens(head: RequestHead): readonly JwtToken[];
  /** The token's `iss` without verifying anything; undefined when it does not decode. */
  issuerOf(token: string): string | undefined;
  /** Verifies signature, exp/nbf (with clock skew), issuer and audiences (`audiences` overrides the provider's). */
  verify(token: string, audiences?: readonly string[]): Promise<JwtCheck>;
}

const DEFAULT_HEADERS = [{ name: 'authorization', valuePrefix: 'Bearer ' }];
const DEFAULT_PARAMS = ['access_token'];

function statusOf(err: unknown): JwtStatus {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'audience_not_allowed';
    if (err.claim === 'nbf') return 'not_yet_valid';
    if (err.claim === 'iss') return 'unknown_issuer';
    return 'verification_fails';
  }
  if (err instanceof errors.JWKSNoMatchingKey) return 'unknown_key';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'bad_format';
  return 'verification_fails';
}

/**
 * Builds a provider. Inline keys are parsed here, once. With remote_jwks, `remote` holds the key
 * set: a fetch failure with nothing cached fails every token with jwks_fetch_failed, and a token
 * whose key the set lacks makes the cache fetch again (rate-limited) and is verified once more.
 * A remote provider given no cache fails every token. `now` is epoch ms.
 */
export function createJwtProvider(config: JwtProviderConfig, now: () => number, remote?: RemoteJwksCache): JwtProvider {
  const inline = config.remoteJwks ? undefined : createLocalJWKSet(JSON.parse(config.jwks) as JSONWebKeySet);
  const useDefaults = config.fromHeaders.length === 0 && config.fromParams.length === 0 && config.fromCookies.length === 0;
  const locations: JwtTokenLocations = useDefaults
    ? { headers: DEFAULT_HEADERS, params: DEFAULT_PARAMS, cookies: [] }
    : { headers: config.fromHeaders, params: config.fromParams, cookies: config.fromCookies };

  const verifyWith = async (keys: JWTVerifyGetKey, token: string, aud: readonly string[]): Promise<JwtCheck> => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        ...(config.issuer ? { issuer: config.issuer } : {}),
        ...(aud.length > 0 ? { audience: [...aud] } : {}),
        clockTolerance: config.clockSkewSeconds,
        currentDate: new Date(now()),
      });
      return { status: 'ok', payload };
    } catch (err) {
      return { status: statusOf(err) };
    }
  };

  const verifyRemote = async (token: string, aud: readonly string[]): Promise<JwtCheck> => {
    if (!remote) return { status: 'jwks_fetch_failed' };
    const lookup = await remote.keys();
    if (!lookup.ok) return { status: 'jwks_fetch_failed' };
    const check = await verifyWith(lookup.keys.getKey, token, aud);
    if (check.status !== 'unknown_key') return check;
    const newer = await remote.refreshForUnknownKey(lookup.keys);
    return newer ? verifyWith(newer.getKey, token, aud) : check;
  };

  return {
    config,
    tokens: (head) => extractJwtTokens(head, locations),
    issuerOf(token) {
      try {
        const iss = decodeJwt(token).iss;
        return typeof iss === 'string' ? iss : undefined;
      } catch {
        return undefined;
      }
    },
    verify(token, audiences) {
      if (token.split('.').length !== 3) return Promise.resolve({ status: 'bad_format' });
      const aud = audiences ?? config.audiences;
      return inline ? verifyWith(inline, token, aud) : verifyRemote(token, aud);
    },
  };
}
