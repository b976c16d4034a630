// Where a sidecar sends TCP and TLS traffic for services on one port: the VirtualService tcp rules
// of a TCP service, and the SNI routes (tls rules, else the service's own name) of TLS services.
import { hostsOverlap } from '../../../api/index.js';
import { outboundClusterName } from '../../../xds/index.js';
import type { Service } from '../../model/service.js';
import { MESH_GATEWAY } from '../rds/route-context.js';
import { asVirtualServiceView, type L4Match } from '../rds/virtual-service-view.js';
import { claimServices, virtualServiceHosts } from '../rds/virtual-service-hosts.js';
import { l4Destination, l4MatchApplies, type L4Context } from './l4-routes.js';
import type { TcpDestination } from './network-filters.js';

/** A TCP route restricted to destination subnets (`destinationSubnets`). */
export interface SubnetRoute {
  readonly subnets: readonly string[];
  readonly destination: TcpDestination;
}

/** An SNI route: TLS connections naming one of `serverNames` go to `destination`. */
export interface SniRoute {
  readonly serverNames: readonly string[];
  readonly subnets?: readonly string[];
  readonly destination: TcpDestination;
}

/**
 * The TCP routing of `service` on `ctx.port`: the first applicable tcp rule of the VirtualService
 * routing the service (first match wins), else its default cluster. Rules limited to destination
 * subnets come back separately, in order, to be matched on the destination address first.
 */
export function serviceTcpRoutes(service: Service, ctx: L4Context): { subnetRoutes: SubnetRoute[]; destination: TcpDestination } {
  const subnetRoutes: SubnetRoute[] = [];
  const fallback: TcpDestination = { cluster: outboundClusterName(ctx.port, '', service.hostname) };
  const vses = ctx.push.virtualServicesFor(ctx.proxy, MESH_GATEWAY);
  const index = claimServices(vses, [service.hostname]).get(service.hostname);
  const vs = index === undefined ? undefined : vses[index];
  if (!vs) return { subnetRoutes, destination: fallback };
  for (const rule of asVirtualServiceView(vs.spec).tcp ?? []) {
    const matches: (L4Match | undefined)[] = rule.match?.length ? [...rule.match] : [undefined];
    for (const match of matches) {
      if (!l4MatchApplies(match, vs.metadata.namespace, ctx)) continue;
      const destination = l4Destination(rule.route, vs, ctx);
      if (!destination) continue;
      if (match?.destinationSubnets?.length) subnetRoutes.push({ subnets: match.destinationSubnets, destination });
      else return { subnetRoutes, destination };
    }
  }
  return { subnetRoutes, destination: fallback };
}

/**
 * The SNI routes of TLS services on `ctx.port`: each applicable tls match of a VirtualService
 * naming one of them, in order; then, for each service no such VirtualService names, its own
 * hostname to its default cluster. A set of server names is routed once (the first wins).
 */
export function tlsSniRoutes(services: readonly Service[], ctx: L4Context): SniRoute[] {
  const out: SniRoute[] = [];
  const seen = new Set<string>();
  const add = (route: SniRoute): void => {
    const key = [...route.serverNames].sort().join(',') + '|' + [...(route.subnets ?? [])].sort().join(',');
    if (seen.has(key)) return;
    seen.add(key);
    out.push(route);
  };
  const routed = new Set<string>();
  for (const vs of ctx.push.virtualServicesFor(ctx.proxy, MESH_GATEWAY)) {
    const rules = asVirtualServiceView(vs.spec).tls ?? [];
    if (rules.length === 0) continue;
    const hosts = virtualServiceHosts(vs);
    const mine = services.filter((s) => hosts.some((h) => hostsOverlap(h, s.hostname)));
    if (mine.length === 0) continue;
    for (const s of mine) routed.add(s.hostname);
    for (const rule of rules) {
      for (const match of rule.match) {
        if (!l4MatchApplies(match, vs.metadata.namespace, ctx)) continue;
        const destination = l4Destination(rule.route, vs, ctx);
        if (!destination || match.sniHosts.length === 0) continue;
        add({ serverNames: match.sniHosts, ...(match.destinationSubnets?.length ? { subnets: match.destinationSubnets } : {}), destination });
      }
    }
  }
  for (const s of services) {
    if (!routed.has(s.hostname)) add({ serverNames: [s.hostname], destination: { cluster: outboundClusterName(ctx.port, '', s.hostname) } });
  }
  return out;
}
