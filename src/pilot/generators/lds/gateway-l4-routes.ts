// Where a gateway's TCP and TLS servers send connections: the tcp rules (opaque TCP, or TLS it
// terminates) and the SNI-matched tls rules (TLS passthrough) of VirtualServices bound to it.
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { intersectHosts, serverHostsFor, type GatewayServer } from '../rds/gateway-servers.js';
import { asVirtualServiceView, type L4Match } from '../rds/virtual-service-view.js';
import { virtualServiceHosts } from '../rds/virtual-service-hosts.js';
import { l4Destination, l4MatchApplies, type L4Context } from './l4-routes.js';
import type { TcpDestination } from './network-filters.js';
import type { SniRoute } from './outbound-l4-routes.js';

function l4Context(gs: GatewayServer, proxy: Proxy, push: PushContext): L4Context {
  return { proxy, push, port: gs.server.port.number, gatewayNames: new Set([gs.gatewayName]) };
}

/** The bound VirtualServices that name one of the server's hosts, in order. */
function boundVirtualServices(gs: GatewayServer, proxy: Proxy, push: PushContext) {
  return push.virtualServicesFor(proxy, gs.gatewayName).filter((vs) => intersectHosts(serverHostsFor(gs, vs.metadata.namespace), virtualServiceHosts(vs)).length > 0);
}

/** The destination of a TCP server: the first applicable tcp rule of the first VirtualService that has one. */
export function gatewayTcpDestination(gs: GatewayServer, proxy: Proxy, push: PushContext): TcpDestination | undefined {
  const ctx = l4Context(gs, proxy, push);
  for (const vs of boundVirtualServices(gs, proxy, push)) {
    for (const rule of asVirtualServiceView(vs.spec).tcp ?? []) {
      const matches: (L4Match | undefined)[] = rule.match?.length ? [...rule.match] : [undefined];
      if (!matches.some((m) => l4MatchApplies(m, vs.metadata.namespace, ctx))) continue;
      const destination = l4Destination(rule.route, vs, ctx);
      if (destination) return destination;
    }
  }
  return undefined;
}

/** The SNI routes of a passthrough server: each applicable tls match, the first for a set of server names winning. */
export function gatewaySniRoutes(gs: GatewayServer, proxy: Proxy, push: PushContext): SniRoute[] {
  const ctx = l4Context(gs, proxy, push);
  const out: SniRoute[] = [];
  const seen = new Set<string>();
  for (const vs of boundVirtualServices(gs, proxy, push)) {
    for (const rule of asVirtualServiceView(vs.spec).tls ?? []) {
      for (const match of rule.match) {
        if (!l4MatchApplies(match, vs.metadata.namespace, ctx) || match.sniHosts.length === 0) continue;
        const destination = l4Destination(rule.route, vs, ctx);
        const key = [...match.sniHosts].sort().join(',');
        if (!destination || seen.has(key)) continue;
        seen.add(key);
        out.push({ serverNames: match.sniHosts, destination });
      }
    }
  }
  return out;
}
