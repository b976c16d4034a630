// A sidecar's outbound RouteConfiguration for one port (`9080`): a virtual host per service on
// the port, then the catch-all for unknown hosts.
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { buildCatchAllVirtualHost, isHttpOrSniffed } from './default-routes.js';
import { buildOutboundVirtualHosts } from './outbound-virtual-hosts.js';
import { MAX_DIRECT_RESPONSE_BODY_BYTES } from './redirect.js';
import type { RouteCache } from './route-cache.js';
import { meshRouteContext } from './route-context.js';

/** The port a sidecar route name stands for (`9080`), or undefined for other names. */
export function sidecarRoutePort(routeName: string): number | undefined {
  if (!/^\d{1,5}$/.test(routeName)) return undefined;
  const port = Number(routeName);
  return port > 0 && port <= 65535 ? port : undefined;
}

/**
 * The RouteConfiguration named after `port`. Hosts are matched without their port, as Istio's
 * sidecars do, so `reviews` and `reviews:9080` reach the same virtual host. The catch-all comes
 * last, unless a VirtualService already claims `*` (Envoy allows one `*` domain). With
 * `routeCache`, routes whose inputs are unchanged since an earlier push are reused.
 */
export function buildSidecarRouteConfiguration(proxy: Proxy, push: PushContext, port: number, routeCache?: RouteCache): RouteConfiguration {
  const ctx = meshRouteContext(proxy, push, port, 'sidecar', routeCache);
  const vhosts = buildOutboundVirtualHosts(ctx);
  const wildcard = vhosts.some((v) => v.domains?.includes('*'));
  return {
    name: String(port),
    virtual_hosts: wildcard ? vhosts : [...vhosts, buildCatchAllVirtualHost(push.mesh.outboundTrafficPolicy)],
    validate_clusters: { value: false },
    max_direct_response_body_size_bytes: { value: MAX_DIRECT_RESPONSE_BODY_BYTES },
    ignore_port_in_host_matching: true,
  };
}

/** The route names a sidecar's outbound HTTP listeners use: every HTTP (or sniffed) port of a visible service, ascending. */
export function sidecarRouteNames(proxy: Proxy, push: PushContext): string[] {
  const ports = new Set<number>();
  for (const s of push.servicesFor(proxy)) for (const p of s.ports) if (isHttpOrSniffed(p.protocol)) ports.add(p.port);
  return [...ports].sort((a, b) => a - b).map(String);
}
