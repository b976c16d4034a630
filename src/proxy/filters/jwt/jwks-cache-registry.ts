// The remote key-set caches of one sidecar, shared by every jwt_authn filter and config version
// that names the same source, so a listener update neither loses the keys nor fetches them again.
import type { JwtRemoteJwksConfig } from '../../config/policy.js';
import type { Clock, RouterClusters } from '../../hcm/ports.js';
import { createRemoteJwksCache, type RemoteJwksCache } from './jwks-cache.js';
import { createClusterJwksFetcher } from './jwks-fetch.js';

/** One registry per cluster manager, that is per sidecar runtime (each worker has its own). */
const registries = new WeakMap<RouterClusters, Map<string, RemoteJwksCache>>();

/**
 * The cache for `source` among those fetching through `deps.clusters`: created on first use with
 * a fetcher over that cluster manager, then the same object for every equal source (same URI,
 * cluster, timeout, cache duration, async fetch and retries). Sources that are no longer
 * configured stay in the registry; there are only as many as distinct jwksUri ever seen.
 */
export function remoteJwksCacheFor(source: JwtRemoteJwksConfig, deps: { readonly clusters: RouterClusters; readonly clock: Clock }): RemoteJwksCache {
  let caches = registries.get(deps.clusters);
  if (!caches) registries.set(deps.clusters, (caches = new Map()));
  const key = JSON.stringify([source.uri, source.cluster, source.timeoutMs, source.cacheDurationMs, source.asyncFetch?.failedRefetchMs, source.retries, source.retryBackoffBaseMs, source.retryBackoffMaxMs]);
  let cache = caches.get(key);
  if (!cache) {
    cache = createRemoteJwksCache(source, { fetch: createClusterJwksFetcher(source, deps), now: () => deps.clock.now() });
    caches.set(key, cache);
  }
  return cache;
}
