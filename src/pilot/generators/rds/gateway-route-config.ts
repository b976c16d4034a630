// A gateway's RouteConfiguration for one RDS name (`http.80`, `https.443.https.gw.ns`): virtual
// hosts for the server hosts that bound VirtualServices also name. Istio's buildGatewayHTTPRouteConfig.
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { buildHttpRoutes } from './http-route.js';
import { MAX_DIRECT_RESPONSE_BODY_BYTES } from './redirect.js';
import type { RouteContext } from './route-context.js';
import { isCatchAllMatch } from './route-match.js';
import { domainWithPort } from './virtual-host-domains.js';
import { virtualServiceHosts } from './virtual-service-hosts.js';
import { gatewayRouteName, gatewayServers, intersectHosts, serverHostsFor, type GatewayServer } from './gateway-servers.js';

/**
 * The route configuration called `routeName`. Each host gets one virtual host (`host:port`,
 * matched without port) holding the routes of every VirtualService naming it, catch-all routes
 * last; `httpsRedirect` servers require TLS. With no host routed, one `blackhole:port` virtual
 * host answers 404 to everything. Undefined when no server of the proxy uses the name.
 */
export function buildGatewayRouteConfiguration(proxy: Proxy, push: PushContext, routeName: string): RouteConfiguration | undefined {
  const servers = gatewayServers(proxy, push).filter((gs) => gatewayRouteName(gs) === routeName);
  if (servers.length === 0) return undefined;
  const vhosts = new Map<string, VirtualHost>();
  for (const gs of servers) addServerVirtualHosts(gs, proxy, push, vhosts);
  let virtualHosts = [...vhosts.values()];
  if (virtualHosts.length === 0) {
    virtualHosts = [{ name: domainWithPort('blackhole', servers[0]!.server.port.number), domains: ['*'], routes: [] }];
  }
  for (const v of virtualHosts) {
    const routes = v.routes ?? [];
    v.routes = [...routes.filter((r) => !isCatchAllMatch(r.match ?? {})), ...routes.filter((r) => isCatchAllMatch(r.match ?? {}))];
  }
  virtualHosts.sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : 0));
  return {
    name: routeName,
    virtual_hosts: virtualHosts,
    validate_clusters: { value: false },
    max_direct_response_body_size_bytes: { value: MAX_DIRECT_RESPONSE_BODY_BYTES },
    ignore_port_in_host_matching: true,
  };
}

/** Every RDS name the gateway's servers use. */
export function gatewayRouteNames(proxy: Proxy, push: PushContext): string[] {
  return [...new Set(gatewayServers(proxy, push).map(gatewayRouteName).filter((n): n is string => n !== undefined))];
}

function addServerVirtualHosts(gs: GatewayServer, proxy: Proxy, push: PushContext, vhosts: Map<string, VirtualHost>): void {
  const port = gs.server.port.number;
  const redirect = gs.server.tls?.httpsRedirect === true;
  const ctx: RouteContext = { proxy, push, flavor: 'gateway', listenerPort: port, gatewayNames: new Set([gs.gatewayName]), tls: gs.server.tls !== undefined };
  for (const vs of push.virtualServicesFor(proxy, gs.gatewayName)) {
    const hosts = intersectHosts(serverHostsFor(gs, vs.metadata.namespace), virtualServiceHosts(vs));
    if (hosts.length === 0) continue;
    const routes = buildHttpRoutes(vs, ctx);
    for (const host of hosts) {
      const existing = vhosts.get(host);
      if (existing) {
        existing.routes = [...(existing.routes ?? []), ...routes];
        if (redirect) existing.require_tls = 'ALL';
        continue;
      }
      const vhost: VirtualHost = { name: domainWithPort(host, port), domains: [host], routes: [...routes], include_request_attempt_count: true };
      if (redirect) vhost.require_tls = 'ALL';
      vhosts.set(host, vhost);
    }
  }
  if (!redirect) return;
  for (const entry of gs.server.hosts) {
    const host = (entry.includes('/') ? entry.slice(entry.indexOf('/') + 1) : entry).toLowerCase();
    const existing = vhosts.get(host);
    if (existing) existing.require_tls = 'ALL';
    else vhosts.set(host, { name: domainWithPort(host, port), domains: [host], include_request_attempt_count: true, require_tls: 'ALL' });
  }
}
