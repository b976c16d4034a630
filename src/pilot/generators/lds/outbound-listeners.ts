// A sidecar's per-port outbound listeners (`0.0.0.0_9080`, not bound: virtualOutbound hands
// connections over). HTTP ports route over RDS `<port>`; TCP services are told apart by their
// addresses, TLS services by SNI; ports of unknown protocol are sniffed.
import { outboundListenerName } from '../../../xds/index.js';
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { FilterChainMatch } from '../../../xds/generated/envoy/config/listener/v3/FilterChainMatch.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServiceProtocol } from '../../model/service.js';
import { MESH_GATEWAY } from '../rds/route-context.js';
import { toCidrRanges } from './cidr.js';
import { buildHttpFilters } from './http-filters.js';
import { destinationLabel, type L4Context } from './l4-routes.js';
import { httpInspector, PLAINTEXT_HTTP_ALPNS, tlsInspector } from './listener-filters.js';
import type { ListenerOptions } from './listener-options.js';
import type { FilterChainContext } from './listener-security.js';
import { adsRds, httpConnectionManagerFilter, tcpProxyFilter, type TcpDestination } from './network-filters.js';
import { serviceTcpRoutes, tlsSniRoutes } from './outbound-l4-routes.js';

type PortClass = 'http' | 'sniffed' | 'tls' | 'tcp';

const CLASSES: Partial<Record<ServiceProtocol, PortClass>> = {
  HTTP: 'http', HTTP2: 'http', GRPC: 'http', 'GRPC-WEB': 'http', UNKNOWN: 'sniffed',
  HTTPS: 'tls', TLS: 'tls', TCP: 'tcp', MONGO: 'tcp', REDIS: 'tcp', MYSQL: 'tcp',
};

/** One listener per port of the services the proxy sees (UDP ports have none), by ascending port. */
export function buildOutboundListeners(proxy: Proxy, push: PushContext, options: ListenerOptions): Listener[] {
  const byPort = new Map<number, { service: Service; cls: PortClass }[]>();
  for (const service of push.servicesFor(proxy)) {
    for (const p of service.ports) {
      const cls = CLASSES[p.protocol];
      if (!cls) continue;
      const list = byPort.get(p.port) ?? [];
      list.push({ service, cls });
      byPort.set(p.port, list);
    }
  }
  return [...byPort.keys()]
    .sort((a, b) => a - b)
    .flatMap((port) => buildPortListener(port, byPort.get(port) ?? [], proxy, push, options) ?? []);
}

function buildPortListener(port: number, entries: readonly { service: Service; cls: PortClass }[], proxy: Proxy, push: PushContext, options: ListenerOptions): Listener | undefined {
  const of = (...cls: PortClass[]) => entries.filter((e) => cls.includes(e.cls)).map((e) => e.service);
  const http = of('http').length > 0;
  const sniffed = of('sniffed').length > 0;
  const l4: L4Context = { proxy, push, port, gatewayNames: new Set([MESH_GATEWAY]) };
  const fc: FilterChainContext = { proxy, push, listenerClass: 'sidecar-outbound', port };
  const idle = push.mesh.tcpIdleTimeoutMs;
  const tcpChain = (match: FilterChainMatch | undefined, dest: TcpDestination): FilterChain => ({
    name: destinationLabel(dest),
    ...(match ? { filter_chain_match: match } : {}),
    filters: [...options.security.networkFilters(fc), tcpProxyFilter(destinationLabel(dest), dest, idle)],
  });
  const httpChain = (match: FilterChainMatch | undefined): FilterChain => ({
    name: outboundListenerName('0.0.0.0', port),
    ...(match ? { filter_chain_match: match } : {}),
    filters: [httpConnectionManagerFilter({
      stat_prefix: `outbound_${outboundListenerName('0.0.0.0', port)}`,
      rds: adsRds(String(port)),
      http_filters: buildHttpFilters(fc, options.security),
      use_remote_address: { value: false },
      normalize_path: { value: true },
    })],
  });

  const chains: FilterChain[] = [];
  let fallback: FilterChain | undefined;
  for (const { service, cls } of entries.filter((e) => e.cls === 'tcp' || e.cls === 'sniffed')) {
    const { subnetRoutes, destination } = serviceTcpRoutes(service, l4);
    for (const r of subnetRoutes) chains.push(tcpChain({ prefix_ranges: toCidrRanges(r.subnets) }, r.destination));
    const ranges = toCidrRanges(service.addresses);
    if (ranges.length > 0) {
      if (cls === 'sniffed') chains.push(httpChain({ prefix_ranges: ranges, application_protocols: [...PLAINTEXT_HTTP_ALPNS] }));
      chains.push(tcpChain({ prefix_ranges: ranges }, destination));
    } else if (!http && !fallback) {
      fallback = tcpChain(undefined, destination);
    }
  }
  const sni = tlsSniRoutes(of('tls'), l4);
  for (const r of sni) {
    const match: FilterChainMatch = { server_names: [...r.serverNames] };
    if (r.subnets) match.prefix_ranges = toCidrRanges(r.subnets);
    chains.push(tcpChain(match, r.destination));
  }
  if (http) chains.push(httpChain(undefined));
  else if (sniffed) chains.push(httpChain({ application_protocols: [...PLAINTEXT_HTTP_ALPNS] }));
  if (fallback) chains.push(fallback);
  const unique = dedupeMatches(chains);
  if (unique.length === 0) return undefined;
  const listenerFilters = [...(sni.length > 0 ? [tlsInspector()] : []), ...(sniffed ? [httpInspector()] : [])];
  return {
    name: outboundListenerName('0.0.0.0', port),
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    bind_to_port: { value: false },
    traffic_direction: 'OUTBOUND',
    filter_chains: unique,
    ...(listenerFilters.length > 0 ? { listener_filters: listenerFilters } : {}),
  };
}

/** Keeps the first chain of each distinct match: Envoy refuses a listener with two equal matches. */
function dedupeMatches(chains: readonly FilterChain[]): FilterChain[] {
  const seen = new Set<string>();
  return chains.filter((c) => {
    const key = JSON.stringify(c.filter_chain_match ?? {});
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
