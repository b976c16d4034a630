// A VirtualService with its short names resolved in its own namespace, as Istio's push context holds it.
import { resolveHost, type VirtualServiceSpec } from '../api/index.js';
import type { VirtualService } from './model/push-context.js';

/** The gateway that a VirtualService binds to the sidecars' mesh. */
export const MESH_GATEWAY = 'mesh';

/**
 * The `namespace/name` of a gateway reference written in `namespace`: `mesh` stays; `ns/name`
 * stays (`./name` is this namespace's); Istio's older `name.ns.svc.cluster.local` form becomes
 * `ns/name`; a bare `name` is this namespace's.
 */
export function resolveGatewayName(gateway: string, namespace: string): string {
  if (gateway === MESH_GATEWAY) return gateway;
  const slash = gateway.indexOf('/');
  if (slash >= 0) return gateway.startsWith('./') ? `${namespace}/${gateway.slice(2)}` : gateway;
  const dot = gateway.indexOf('.');
  if (dot >= 0) {
    const [name, ns] = gateway.split('.');
    return `${ns}/${name}`;
  }
  return `${namespace}/${gateway}`;
}

/**
 * A copy of `vs` in which every host (top level, route and mirror destinations) is fully qualified
 * and every gateway (top level and in matches) is `namespace/name` or `mesh`, resolved in the
 * VirtualService's namespace, as Istio does before anything reads it.
 */
export function resolveVirtualService(vs: VirtualService): VirtualService {
  const ns = vs.metadata.namespace;
  const spec: VirtualServiceSpec = vs.spec;
  const host = (h: string) => resolveHost(h, ns);
  const gateways = (list: string[] | undefined) => list?.map((g) => resolveGatewayName(g, ns));
  const resolveMatches = <M extends { gateways?: string[] }>(matches: M[] | undefined) =>
    matches?.map((m) => (m.gateways ? { ...m, gateways: gateways(m.gateways) } : m));
  const resolveRoutes = <R extends { destination?: { host: string } }>(routes: R[] | undefined) =>
    routes?.map((r) => (r.destination ? { ...r, destination: { ...r.destination, host: host(r.destination.host) } } : r));

  const out: VirtualServiceSpec = { ...spec };
  if (spec.hosts) out.hosts = spec.hosts.map(host);
  if (spec.gateways) out.gateways = gateways(spec.gateways);
  if (spec.http) {
    out.http = spec.http.map((route) => {
      const r = { ...route };
      if (route.match) r.match = resolveMatches(route.match);
      if (route.route) r.route = resolveRoutes(route.route);
      if (route.mirror) r.mirror = { ...route.mirror, host: host(route.mirror.host) };
      if (route.mirrors) r.mirrors = resolveRoutes(route.mirrors);
      return r;
    });
  }
  if (spec.tcp) out.tcp = spec.tcp.map(resolveL4);
  if (spec.tls) out.tls = spec.tls.map(resolveL4);
  return { ...vs, spec: out };

  function resolveL4<T extends { match?: { gateways?: string[] }[]; route?: { destination?: { host: string } }[] }>(route: T): T {
    const r = { ...route };
    if (route.match) r.match = resolveMatches(route.match);
    if (route.route) r.route = resolveRoutes(route.route);
    return r;
  }
}
