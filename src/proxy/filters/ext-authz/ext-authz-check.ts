// Sends one ext_authz check request to the authorization cluster through the proxy's own clusters
// and collects the answer, within the configured timeout.
import type { ExtAuthzConfig } from '../../config/policy.js';
import type { BodySink } from '../../http/body.js';
import { HeaderMap } from '../../http/headers.js';
import type { RequestHead, ResponseHead } from '../../http/message.js';
import { upstreamProtocolOf, type Clock, type RouterClusters } from '../../hcm/ports.js';

/** The authorization service's answer, or why there is none. */
export type CheckResult =
  | { readonly ok: true; readonly head: ResponseHead; readonly body: string }
  | { readonly ok: false; readonly error: 'no_cluster' | 'no_healthy_upstream' | 'timeout' | 'upstream_error' | 'cancelled' };

/** Bodies of check responses beyond this are cut; they only become a deny reply. */
const MAX_CHECK_BODY = 64 * 1024;

/** Builds the check request: method, prefix + path, Host, Authorization, allowed and added headers. */
export function buildCheckRequest(config: ExtAuthzConfig, request: RequestHead, allowed: (name: string) => boolean): RequestHead {
  const headers = new HeaderMap();
  request.headers.forEach((name, value) => {
    if (name === 'authorization' || allowed(name)) headers.add(name, value);
  });
  for (const h of config.headersToAdd) headers.set(h.name, h.value);
  headers.set('content-length', '0');
  return {
    method: request.method,
    path: `${config.pathPrefix}${request.path}`,
    authority: request.authority,
    scheme: 'http',
    protocol: 'HTTP/1.1',
    headers,
  };
}

/**
 * Sends `check` to a host of `config.cluster` and resolves once with the response (body read up
 * to 64 KiB) or an error: unknown cluster, no healthy host, the timeout (`timeoutMs`, on the
 * injected clock), an upstream failure, or `signal` aborting.
 */
export function sendCheck(config: ExtAuthzConfig, check: RequestHead, deps: { clusters: RouterClusters; clock: Clock; sourceAddress: string; signal: AbortSignal }): Promise<CheckResult> {
  const cluster = deps.clusters.get(config.cluster);
  if (!cluster) return Promise.resolve({ ok: false, error: 'no_cluster' });
  const host = cluster.pickHost(check, [], deps.sourceAddress, undefined);
  if (!host) return Promise.resolve({ ok: false, error: 'no_healthy_upstream' });
  return new Promise<CheckResult>((resolve) => {
    let settled = false;
    let timer: unknown;
    const settle = (result: CheckResult): void => {
      if (settled) return;
      settled = true;
      deps.clock.clearTimeout(timer);
      deps.signal.removeEventListener('abort', onAbort);
      if (!result.ok) upstream.cancel();
      resolve(result);
    };
    const onAbort = (): void => settle({ ok: false, error: 'cancelled' });
    const upstream = cluster.client(host, upstreamProtocolOf(cluster.config, 'http1'), check.authority).request(check, {
      onResponse(head, body) {
        const chunks: Buffer[] = [];
        let size = 0;
        const sink: BodySink = {
          write(chunk) {
            if (size < MAX_CHECK_BODY) chunks.push(chunk.subarray(0, MAX_CHECK_BODY - size));
            size += chunk.length;
            return true;
          },
          onceDrain: (fn) => fn(),
          end: () => settle({ ok: true, head, body: Buffer.concat(chunks).toString('utf8') }),
          abort: () => settle({ ok: false, error: 'upstream_error' }),
        };
        body.pipe(sink);
      },
      onError: () => settle({ ok: false, error: 'upstream_error' }),
    });
    upstream.body.end();
    if (config.timeoutMs > 0) timer = deps.clock.setTimeout(() => settle({ ok: false, error: 'timeout' }), config.timeoutMs);
    if (deps.signal.aborted) onAbort();
    else deps.signal.addEventListener('abort', onAbort);
  });
}
