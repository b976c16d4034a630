// The virtual hosts of one outbound port, for a sidecar or a proxyless gRPC client: one per
// service on the port (its VirtualService's routes, or the default route), plus one per
// VirtualService host that no service defines. Istio's BuildSidecarOutboundVirtualHosts.
import { hostCovers, isWildcardHost } from '../../../api/index.js';
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import type { Service } from '../../model/service.js';
import { buildDefaultServiceRoute, isHttpOrSniffed } from './default-routes.js';
import { buildHttpRoutes } from './http-route.js';
import { MESH_GATEWAY, type RouteContext } from './route-context.js';
import { buildUniqueVirtualHosts, type VirtualHostWrapper } from './unique-virtual-hosts.js';
import { claimServices, virtualServiceHosts } from './virtual-service-hosts.js';

/**
 * The virtual hosts for `ctx.listenerPort`, sorted by name (`host:port`). A gRPC context treats
 * every port as HTTP (the client speaks only gRPC) and lists `host:port` domains; a sidecar
 * context lists bare domains and relies on `ignore_port_in_host_matching`. A domain is used by
 * one virtual host only: the first to claim it, services before the short forms of others.
 */
export function buildOutboundVirtualHosts(ctx: RouteContext): VirtualHost[] {
  const port = ctx.listenerPort;
  const grpc = ctx.flavor === 'grpc';
  const onPort = new Map<string, Service>();
  for (const s of ctx.push.servicesFor(ctx.proxy)) if (s.ports.some((p) => p.port === port)) onPort.set(s.hostname, s);
  const routedHere = (s: Service): boolean => grpc || s.ports.some((p) => p.port === port && isHttpOrSniffed(p.protocol));

  const wildcardServices = [...onPort.keys()].filter(isWildcardHost);
  const coversAService = (h: string): boolean => isWildcardHost(h) && [...onPort.keys()].some((s) => hostCovers(h, s));
  const namesAService = (h: string): boolean => onPort.has(h) || wildcardServices.some((s) => hostCovers(s, h)) || coversAService(h);
  let vses = ctx.push.virtualServicesFor(ctx.proxy, MESH_GATEWAY);
  if (port !== 80) vses = vses.filter((vs) => virtualServiceHosts(vs).some(namesAService));
  const claimedBy = new Map<number, Service[]>();
  for (const [host, i] of claimServices(vses, onPort.keys())) {
    const s = onPort.get(host)!;
    if (routedHere(s)) claimedBy.set(i, [...(claimedBy.get(i) ?? []), s]);
  }

  const wrappers: VirtualHostWrapper[] = [];
  const routed = new Set<string>();
  vses.forEach((vs, i) => {
    const services = claimedBy.get(i) ?? [];
    if (services.length === 0 && port !== 80) return;
    const routes = ctx.routeCache ? ctx.routeCache.routes(vs, 'http', ctx, (c) => buildHttpRoutes(vs, c)) : buildHttpRoutes(vs, ctx);
    if (routes.length === 0) return;
    const hosts = virtualServiceHosts(vs).filter((h) => !onPort.has(h) && !coversAService(h));
    for (const s of services) routed.add(s.hostname);
    wrappers.push({ services, hosts, routes });
  });
  for (const s of onPort.values()) {
    if (routed.has(s.hostname) || !routedHere(s)) continue;
    const build = (c: RouteContext): Route[] => [buildDefaultServiceRoute(s.hostname, port, c)];
    wrappers.push({ services: [s], hosts: [], routes: ctx.routeCache ? ctx.routeCache.routes(s, 'default', ctx, build) : build(ctx) });
  }
  return buildUniqueVirtualHosts(wrappers, ctx);
}
