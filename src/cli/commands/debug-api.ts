// Reading the control plane's debug API (15014): /debug/syncz and /debug/config_dump, with clear
// errors when the control plane is not there or the proxy is unknown.
import type { ConfigDumpResponse, SynczResponse } from '../../pilot/server/index.js';
import { DebugApiError } from './debug-api-errors.js';
import { getJson } from './http-json.js';

/** Istio's monitoring port on loopback. */
export const DEFAULT_CONTROL_PLANE = 'http://127.0.0.1:15014';

/** GETs `path` from the control plane at `base` and parses its JSON body. */
export async function getDebug<T>(base: string, path: string, timeoutMs = 5000): Promise<T> {
  let url: URL;
  try {
    url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  } catch (err) {
    throw new DebugApiError('CONTROL_PLANE_UNREACHABLE', `--control-plane "${base}" is not a URL`, { cause: err });
  }
  const answer = await getJson(url, timeoutMs);
  switch (answer.kind) {
    case 'ok':
      return answer.value as T;
    case 'unreachable':
      throw new DebugApiError(
        'CONTROL_PLANE_UNREACHABLE',
        `cannot reach the control plane at ${base} (${answer.why}); is \`heddle control-plane\` running? Point at it with --control-plane URL`,
        { cause: answer.error },
      );
    case 'status': {
      let detail = answer.body.trim();
      try {
        detail = String((JSON.parse(answer.body) as { error?: unknown }).error ?? detail);
      } catch {
        // a plain-text body
      }
      throw new DebugApiError(answer.status === 404 ? 'PROXY_NOT_FOUND' : 'CONTROL_PLANE_ERROR', `${url.pathname}: ${answer.status} ${detail}`);
    }
    case 'not-json':
      throw new DebugApiError('CONTROL_PLANE_ERROR', `${url.pathname}: the answer is not JSON; is ${base} Heddle's monitoring port?`, { cause: answer.error });
  }
}

/** The sync status of every connected proxy. */
export async function getSyncz(base: string): Promise<SynczResponse> {
  const syncz = await getDebug<SynczResponse>(base, 'debug/syncz');
  if (!Array.isArray(syncz.proxies)) throw new DebugApiError('CONTROL_PLANE_ERROR', `/debug/syncz: unexpected answer from ${base}`);
  return syncz;
}

/** What the control plane last sent the proxy with exactly this id. */
export function getConfigDump(base: string, proxyId: string): Promise<ConfigDumpResponse> {
  return getDebug<ConfigDumpResponse>(base, `debug/config_dump?proxyID=${encodeURIComponent(proxyId)}`);
}

/** `productpage-v1.default` for an Istio node id (`sidecar~IP~productpage-v1.default~domain`), else the id. */
export function shortProxyName(id: string): string {
  const parts = id.split('~');
  return parts.length === 4 && parts[2] ? parts[2] : id;
}

/**
 * The one connected proxy that `query` names: its id, or a prefix of its id or of its short
 * name (`productpage-v1.default`). Throws DebugApiError when none or several match.
 */
export function resolveProxy(ids: readonly string[], query: string): string {
  const unique = [...new Set(ids)];
  if (unique.includes(query)) return query;
  const matches = unique.filter((id) => id.startsWith(query) || shortProxyName(id).startsWith(query));
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length === 0) {
    const known = unique.length > 0 ? `; connected: ${unique.map(shortProxyName).sort().join(', ')}` : '; no proxy is connected';
    throw new DebugApiError('PROXY_NOT_FOUND', `no connected proxy matches "${query}"${known}`);
  }
  throw new DebugApiError('PROXY_AMBIGUOUS', `"${query}" matches ${matches.length} proxies: ${matches.sort().join(', ')}; give more of the name`);
}
