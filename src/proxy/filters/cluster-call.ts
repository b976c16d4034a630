// One bodiless request a filter sends on its own account (an ext_authz check, a JWKS fetch)
// through one of the proxy's clusters, so the cluster's endpoints, load balancing and TLS apply,
// with its answer collected up to a size limit and bounded by a timeout.
import type { BodySink } from '../http/body.js';
import type { UpstreamRequest } from '../http/exchange.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import { upstreamProtocolOf, type Clock, type RouterClusters } from '../hcm/ports.js';

export type ClusterCallError = 'no_cluster' | 'no_healthy_upstream' | 'timeout' | 'upstream_error' | 'cancelled';

/** The answer (its body cut at `maxBodyBytes`, `bodyBytes` counting all of it), or why there is none. */
export type ClusterCallResult =
  | { readonly ok: true; readonly head: ResponseHead; readonly body: string; readonly bodyBytes: number }
  | { readonly ok: false; readonly error: ClusterCallError };

export interface ClusterCallOptions {
  readonly clusters: RouterClusters;
  readonly clock: Clock;
  /** The address the cluster's load balancer sees as the caller. */
  readonly sourceAddress: string;
  /** No timeout when 0. */
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** Cancels the call ('cancelled'). */
  readonly signal?: AbortSignal;
}

/**
 * Sends `request` (with an empty body) to a host of `clusterName` and resolves once: with the
 * response read to its end, or with an error. The cluster is looked up at each call, so a cluster
 * update is seen. A response read to its end leaves its connection for reuse; any other outcome
 * cancels the request. Never rejects.
 */
export function callCluster(clusterName: string, request: RequestHead, opts: ClusterCallOptions): Promise<ClusterCallResult> {
  const cluster = opts.clusters.get(clusterName);
  if (!cluster) return Promise.resolve({ ok: false, error: 'no_cluster' });
  const host = cluster.pickHost(request, [], opts.sourceAddress, undefined);
  if (!host) return Promise.resolve({ ok: false, error: 'no_healthy_upstream' });
  return new Promise<ClusterCallResult>((resolve) => {
    let settled = false;
    let complete = false;
    let timer: unknown;
    // Filled in once `request` returns; a handler may settle before that.
    const sent: { upstream?: UpstreamRequest } = {};
    const onAbort = (): void => settle({ ok: false, error: 'cancelled' });
    const settle = (result: ClusterCallResult): void => {
      if (settled) return;
      settled = true;
      opts.clock.clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (!complete) sent.upstream?.cancel();
      resolve(result);
    };
    const upstream = cluster.client(host, upstreamProtocolOf(cluster.config, 'http1'), request.authority).request(request, {
      onResponse(head, body) {
        const chunks: Buffer[] = [];
        let size = 0;
        const sink: BodySink = {
          write(chunk) {
            if (size < opts.maxBodyBytes) chunks.push(chunk.subarray(0, opts.maxBodyBytes - size));
            size += chunk.length;
            return true;
          },
          onceDrain: (fn) => fn(),
          end() {
            complete = true;
            settle({ ok: true, head, body: Buffer.concat(chunks).toString('utf8'), bodyBytes: size });
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
    upstream.body.end();
    if (opts.timeoutMs > 0) timer = opts.clock.setTimeout(() => settle({ ok: false, error: 'timeout' }), opts.timeoutMs);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort);
  });
}
