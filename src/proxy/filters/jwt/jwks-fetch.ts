// Fetches a remote_jwks key set through one of the sidecar's own clusters, so the cluster's
// endpoints, load balancing and TLS apply, with the http_uri timeout and retry_policy's retries.
import type { JwtRemoteJwksConfig } from '../../config/policy.js';
import { HeaderMap } from '../../http/headers.js';
import type { RequestHead } from '../../http/message.js';
import type { Clock, RouterClusters } from '../../hcm/ports.js';
import { callCluster } from '../cluster-call.js';

/** Why a fetch gave no key set. */
export type JwksFetchError = 'no_cluster' | 'no_healthy_upstream' | 'timeout' | 'upstream_error' | 'bad_status' | 'not_a_jwks';

/** A fetched key set's JSON text, or why there is none. */
export type JwksFetchResult = { readonly ok: true; readonly jwks: string } | { readonly ok: false; readonly error: JwksFetchError; readonly status?: number };

/** Fetches one key set; never rejects. */
export type JwksFetcher = () => Promise<JwksFetchResult>;

/** A key set bigger than this is refused rather than buffered. */
const MAX_JWKS_BYTES = 1024 * 1024;

/** `body` when it is a JSON Web Key Set: an object with a `keys` list. */
export function isJwksDocument(body: string): boolean {
  try {
    const doc = JSON.parse(body) as unknown;
    return typeof doc === 'object' && doc !== null && Array.isArray((doc as { keys?: unknown }).keys);
  } catch {
    return false;
  }
}

function requestFor(uri: URL): RequestHead {
  return {
    method: 'GET',
    path: `${uri.pathname}${uri.search}`,
    authority: uri.host,
    scheme: uri.protocol === 'https:' ? 'https' : 'http',
    protocol: 'HTTP/1.1',
    headers: new HeaderMap(['accept', 'application/json', 'content-length', '0']),
  };
}

async function fetchOnce(source: JwtRemoteJwksConfig, uri: URL, deps: { clusters: RouterClusters; clock: Clock }): Promise<JwksFetchResult> {
  const result = await callCluster(source.cluster, requestFor(uri), { ...deps, sourceAddress: '127.0.0.1', timeoutMs: source.timeoutMs, maxBodyBytes: MAX_JWKS_BYTES });
  if (!result.ok) return { ok: false, error: result.error === 'cancelled' ? 'upstream_error' : result.error };
  const status = result.head.status;
  if (status < 200 || status >= 300) return { ok: false, error: 'bad_status', status };
  return result.bodyBytes <= MAX_JWKS_BYTES && isJwksDocument(result.body) ? { ok: true, jwks: result.body } : { ok: false, error: 'not_a_jwks' };
}

/**
 * The fetcher of `source`: GET `uri` through `source.cluster` (looked up at each fetch, so a
 * cluster update is seen), each attempt bounded by `timeoutMs`; a failed attempt is retried up to
 * `retries` times after a jittered exponential backoff on the injected clock. A 2xx body that is
 * not a key set fails the attempt too.
 */
export function createClusterJwksFetcher(source: JwtRemoteJwksConfig, deps: { clusters: RouterClusters; clock: Clock }): JwksFetcher {
  const uri = new URL(source.uri);
  const pause = (attempt: number): Promise<void> => {
    const ceiling = Math.min(source.retryBackoffMaxMs, source.retryBackoffBaseMs * 2 ** attempt);
    return new Promise((resolve) => deps.clock.setTimeout(resolve, Math.floor(deps.clock.random() * ceiling)));
  };
  return async () => {
    let result = await fetchOnce(source, uri, deps);
    for (let attempt = 0; !result.ok && attempt < source.retries; attempt++) {
      await pause(attempt);
      result = await fetchOnce(source, uri, deps);
    }
    return result;
  };
}
