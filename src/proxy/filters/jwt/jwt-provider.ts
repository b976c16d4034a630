// One jwt_authn provider at run time: where its token is in a request, and verifying that token
// against the provider's key set (parsed once per config version) with the jose package.
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { JwtProviderConfig } from '../../config/policy.js';
import type { RequestHead } from '../../http/message.js';
import { queryParameter } from '../../router/request-attributes.js';
import type { JwtStatus } from './jwt-status.js';

/** A token found in a request, and where: a header (removable), a query parameter or a cookie. */
export interface JwtToken {
  readonly value: string;
  readonly header?: string;
}

/** A verification outcome; `payload` is set when `status` is ok. */
export interface JwtCheck {
  readonly status: JwtStatus;
  readonly payload?: JWTPayload;
}

export interface JwtProvider {
  readonly config: JwtProviderConfig;
  /** The first token in the provider's locations (headers, then query parameters, then cookies), if any. */
  token(head: RequestHead): JwtToken | undefined;
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

function cookieValue(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Builds a provider; the JWKS JSON is parsed here, once. `now` is epoch ms. */
export function createJwtProvider(config: JwtProviderConfig, now: () => number): JwtProvider {
  const keys = createLocalJWKSet(JSON.parse(config.jwks) as JSONWebKeySet);
  const useDefaults = config.fromHeaders.length === 0 && config.fromParams.length === 0 && config.fromCookies.length === 0;
  const headers = useDefaults ? DEFAULT_HEADERS : config.fromHeaders;
  const params = useDefaults ? DEFAULT_PARAMS : config.fromParams;
  return {
    config,
    token(head) {
      for (const h of headers) {
        const value = head.headers.get(h.name);
        if (value === undefined) continue;
        const prefix = h.valuePrefix;
        if (prefix === '') return { value: value.trim(), header: h.name };
        // Envoy compares the prefix case-insensitively ("bearer" works too).
        if (value.length > prefix.length && value.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()) {
          return { value: value.slice(prefix.length).trim(), header: h.name };
        }
      }
      for (const p of params) {
        const value = queryParameter(head.path, p);
        if (value !== undefined && value !== '') return { value };
      }
      if (config.fromCookies.length > 0) {
        const cookies = head.headers.getAll('cookie').join(';');
        for (const name of config.fromCookies) {
          const value = cookieValue(cookies, name);
          if (value) return { value };
        }
      }
      return undefined;
    },
    issuerOf(token) {
      try {
        const iss = decodeJwt(token).iss;
        return typeof iss === 'string' ? iss : undefined;
      } catch {
        return undefined;
      }
    },
    async verify(token, audiences) {
      if (token.split('.').length !== 3) return { status: 'bad_format' };
      const aud = audiences ?? config.audiences;
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
    },
  };
}
