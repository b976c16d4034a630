// Decides, per jwksUri and proxy, whether the proxy fetches the key set itself (remote_jwks through
// the outbound cluster of the URI's host and port) or Pilot inlines it, by the JWKS fetch mode.
import { logger, type Logger } from '../../../log/index.js';
import { outboundClusterName } from '../../../xds/index.js';
import type { RemoteJwks } from '../../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/RemoteJwks.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { JwksFetchMode } from './jwks-fetch-mode.js';

/** Per-attempt timeout of a proxy's key fetch, as Istio sets it. */
export const REMOTE_JWKS_TIMEOUT_S = 5;
/** How long a proxy keeps fetched keys (Envoy's and Istio's 5 minutes). */
export const REMOTE_JWKS_CACHE_DURATION_S = 300;

/** Where a proxy's remote key fetch may go: the push and the proxy whose clusters it uses. */
export interface RemoteJwksContext {
  readonly mode: JwksFetchMode;
  readonly push: PushContext;
  readonly proxy: Proxy;
  readonly log?: Pick<Logger, 'debug'>;
}

const loggedFallbacks = new Set<string>();

function hostAndPort(uri: string): { host: string; port: number } | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { host: url.hostname.toLowerCase(), port };
  } catch {
    return undefined;
  }
}

/**
 * remote_jwks for `uri`, or undefined when Pilot should inline the keys: always in `istiod`
 * mode; in `envoy` mode when no service visible to the proxy has the URI's host and port (so
 * it has no `outbound|<port>||<host>` cluster; logged once per URI at debug); in `hybrid` mode
 * also when that service is outside the mesh (MESH_EXTERNAL). The proxy fetches asynchronously
 * (as the config arrives), keeps keys for 5 minutes, and retries a failed fetch once.
 */
export function remoteJwksFor(uri: string, ctx: RemoteJwksContext): RemoteJwks | undefined {
  if (ctx.mode === 'istiod') return undefined;
  const target = hostAndPort(uri);
  const service = target && ctx.push.servicesFor(ctx.proxy).find((s) => s.hostname === target.host && s.ports.some((p) => p.port === target.port));
  if (!target || !service) {
    if (ctx.mode === 'envoy' && !loggedFallbacks.has(uri)) {
      loggedFallbacks.add(uri);
      (ctx.log ?? logger('pilot')).debug({ jwksUri: uri }, 'no cluster for the jwksUri host and port; the control plane fetches and inlines its keys');
    }
    return undefined;
  }
  if (ctx.mode === 'hybrid' && service.meshExternal) return undefined;
  return {
    http_uri: { uri, cluster: outboundClusterName(target.port, '', target.host), timeout: { seconds: REMOTE_JWKS_TIMEOUT_S } },
    cache_duration: { seconds: REMOTE_JWKS_CACHE_DURATION_S },
    async_fetch: { failed_refetch_duration: { seconds: 1 } },
    retry_policy: { num_retries: { value: 1 } },
  };
}
