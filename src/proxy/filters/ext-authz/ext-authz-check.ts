// Sends one ext_authz check request to the authorization cluster through the proxy's own clusters
// and collects the answer, within the configured timeout.
import type { ExtAuthzConfig } from '../../config/policy.js';
import { HeaderMap } from '../../http/headers.js';
import type { RequestHead, ResponseHead } from '../../http/message.js';
import type { Clock, RouterClusters } from '../../hcm/ports.js';
import { callCluster, type ClusterCallError } from '../cluster-call.js';

/** The authorization service's answer, or why there is none. */
export type CheckResult =
  | { readonly ok: true; readonly head: ResponseHead; readonly body: string }
  | { readonly ok: false; readonly error: ClusterCallError };

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
export async function sendCheck(config: ExtAuthzConfig, check: RequestHead, deps: { clusters: RouterClusters; clock: Clock; sourceAddress: string; signal: AbortSignal }): Promise<CheckResult> {
  const result = await callCluster(config.cluster, check, { ...deps, timeoutMs: config.timeoutMs, maxBodyBytes: MAX_CHECK_BODY });
  return result.ok ? { ok: true, head: result.head, body: result.body } : result;
}
