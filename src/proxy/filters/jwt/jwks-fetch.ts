// Fetches a remote_jwks key set through one of the sidecar's own clusters, so the cluster's
// endpoints, load balancing and TLS apply, with the http_uri timeout and retry_policy's retries.
import type { JwtRemoteJwksConfig } from '../../config/policy.js';
import type { BodySink } from '../../http/body.js';
import type { UpstreamRequest } from '../../http/exchange.js';
import { HeaderMap } from '../../http/headers.js';
import type { RequestHead } from '../../http/message.js';
import { upstreamProtocolOf, type Clock, type RouterClusters } from '../../hcm/ports.js';

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

function fetchOnce(source: JwtRemoteJwksConfig, uri: URL, deps: { clusters: RouterClusters; clock: Clock }): Promise<JwksFetchResult> {
  const cluster = deps.clusters.get(source.cluster);
  if (!cluster) return Promise.resolve({ ok: false, error: 'no_cluster' });
  const head = requestFor(uri);
  const host = cluster.pickHost(head, [], '127.0.0.1', undefined);
  if (!host) return Promise.resolve({ ok: false, error: 'no_healthy_upstream' });
  return new Promise<JwksFetchResult>((resolve) => {
    let settled = false;
    let complete = false;
    // Filled in below; a handler may settle before the request call returns.
    const sent: { timer?: unknown; upstream?: UpstreamRequest } = {};
    const settle = (result: JwksFetchResult): void => {
      if (settled) return;
      settled = true;
      deps.clock.clearTimeout(sent.timer);
      // A response read to its end leaves a reusable connection; only an unfinished one is cancelled.
      if (!complete) sent.upstream?.cancel();
      resolve(result);
    };
    const upstream = cluster.client(host, upstreamProtocolOf(cluster.config, 'http1'), head.authority).request(head, {
      onResponse(response, body) {
        const chunks: Buffer[] = [];
        let size = 0;
        const sink: BodySink = {
          write(chunk) {
            size += chunk.length;
            if (size <= MAX_JWKS_BYTES) chunks.push(chunk);
            return true;
          },
          onceDrain: (fn) => fn(),
          end() {
            complete = true;
            if (response.status < 200 || response.status >= 300) return settle({ ok: false, error: 'bad_status', status: response.status });
            const text = Buffer.concat(chunks).toString('utf8');
            settle(size <= MAX_JWKS_BYTES && isJwksDocument(text) ? { ok: true, jwks: text } : { ok: false, error: 'not_a_jwks' });
          },
          abort: () => settle({ ok: false, error: 'upstream_error' }),
        };
        body.pipe(sink);
      },
      onError: () => settle({ ok: false, error: 'upstream_error' }),
    });
    sent.upstream = upstream;
    if (settled) {
      if (!complete) upstream.cancel();
      return;
    }
    sent.timer = deps.clock.setTimeout(() => settle({ ok: false, error: 'timeout' }), source.timeoutMs);
    upstream.body.end();
  });
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
