// The key set of one remote_jwks source at run time: fetched on first need (or as soon as the
// config arrives, with async_fetch), kept for cache_duration, and fetched again, rate-limited,
// when a token names a key that the cached set does not hold.
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { JwtRemoteJwksConfig } from '../../config/policy.js';
import type { JwksFetchError, JwksFetcher } from './jwks-fetch.js';

/**
 * A token whose `kid` (or `alg`) matches no cached key causes at most one refetch per source in
 * this window. A rotated-in key is then accepted at once, while a stream of tokens with made-up
 * key ids costs the key server at most one request per 30 s.
 */
export const JWKS_UNKNOWN_KID_REFETCH_INTERVAL_MS = 30_000;

/** A fetched key set: its JSON, and jose's key lookup over it. */
export interface JwksKeySet {
  readonly json: string;
  readonly getKey: JWTVerifyGetKey;
  /** When it was fetched (epoch ms). */
  readonly fetchedAt: number;
}

/** The key set to verify with, or why there is none. */
export type JwksLookup = { readonly ok: true; readonly keys: JwksKeySet } | { readonly ok: false; readonly error: JwksFetchError };

export interface RemoteJwksCache {
  /**
   * The key set to verify with. A set younger than cache_duration is used as is. Otherwise a fetch
   * runs, shared by every caller meanwhile; without async_fetch the caller waits for it, with
   * async_fetch a stale set serves while it runs. A failed fetch falls back to the stale set when
   * there is one, and is not retried for failed_refetch_duration (1 s by default).
   */
  keys(): Promise<JwksLookup>;
  /**
   * Called when a token's key matched nothing in `seen`. Resolves with a newer set to verify
   * again with: one that arrived meanwhile, or one fetched now, unless a refetch for an unknown
   * key already ran in the last JWKS_UNKNOWN_KID_REFETCH_INTERVAL_MS. Undefined when there is
   * no newer set (rate-limited, the fetch failed, or the same keys came back).
   */
  refreshForUnknownKey(seen: JwksKeySet): Promise<JwksKeySet | undefined>;
  /** Starts a fetch unless the cached set is fresh or a fetch is in flight (async_fetch). */
  prefetch(): void;
}

function parseKeySet(json: string, fetchedAt: number): JwksKeySet | undefined {
  try {
    return { json, getKey: createLocalJWKSet(JSON.parse(json) as JSONWebKeySet), fetchedAt };
  } catch {
    return undefined;
  }
}

/** A cache over `fetch`; `now` is epoch ms. Nothing is fetched until a method asks. */
export function createRemoteJwksCache(source: JwtRemoteJwksConfig, deps: { readonly fetch: JwksFetcher; readonly now: () => number }): RemoteJwksCache {
  const failedRefetchMs = source.asyncFetch?.failedRefetchMs ?? 1_000;
  let current: JwksKeySet | undefined;
  let inflight: Promise<JwksLookup> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  let lastError: JwksFetchError = 'upstream_error';
  let unknownKeyRefetchAt = Number.NEGATIVE_INFINITY;

  const fetchShared = (): Promise<JwksLookup> => {
    inflight ??= deps
      .fetch()
      .then((result): JwksLookup => {
        const parsed = result.ok ? parseKeySet(result.jwks, deps.now()) : undefined;
        if (parsed) {
          current = parsed;
          return { ok: true, keys: parsed };
        }
        failedAt = deps.now();
        lastError = result.ok ? 'not_a_jwks' : result.error;
        return current ? { ok: true, keys: current } : { ok: false, error: lastError };
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  const fresh = (): boolean => current !== undefined && deps.now() - current.fetchedAt < source.cacheDurationMs;
  const backingOff = (): boolean => deps.now() - failedAt < failedRefetchMs;

  return {
    keys() {
      if (current && fresh()) return Promise.resolve({ ok: true, keys: current });
      if (inflight) return source.asyncFetch && current ? Promise.resolve({ ok: true, keys: current }) : inflight;
      if (backingOff()) return Promise.resolve(current ? { ok: true, keys: current } : { ok: false, error: lastError });
      const fetching = fetchShared();
      return source.asyncFetch && current ? Promise.resolve({ ok: true, keys: current }) : fetching;
    },
    async refreshForUnknownKey(seen) {
      if (current && current !== seen) return current;
      if (!inflight) {
        if (deps.now() - unknownKeyRefetchAt < JWKS_UNKNOWN_KID_REFETCH_INTERVAL_MS) return undefined;
        unknownKeyRefetchAt = deps.now();
      }
      const lookup = await fetchShared();
      return lookup.ok && lookup.keys.json !== seen.json ? lookup.keys : undefined;
    },
    prefetch() {
      if (!fresh() && !inflight && !backingOff()) void fetchShared();
    },
  };
}
