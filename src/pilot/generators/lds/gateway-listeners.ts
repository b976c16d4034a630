// A gateway's listeners, one per server port (`0.0.0.0_8080`): HTTP servers share a connection
// manager on RDS `http.<port>`; HTTPS servers terminate TLS per SNI on their own RDS; TLS
// passthrough servers route by SNI; TCP servers proxy to their tcp route.
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { gatewayRouteName, gatewayServers, isHttpsTerminated, isPassthroughServer, serverProtocol, type GatewayServer } from '../rds/gateway-servers.js';
import { gatewaySniRoutes, gatewayTcpDestination } from './gateway-l4-routes.js';
import { serverTransportSocket } from './gateway-tls-context.js';
import { buildHttpFilters } from './http-filters.js';
import { destinationLabel } from './l4-routes.js';
import { tlsInspector } from './listener-filters.js';
import type { ListenerOptions } from './listener-options.js';
import type { FilterChainContext } from './listener-security.js';
import { adsRds, httpConnectionManagerFilter, tcpProxyFilter, type TcpDestination } from './network-filters.js';

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

/** Every listener of the gateway, by ascending port; ports whose servers route nothing are left out. */
export function buildGatewayListeners(proxy: Proxy, push: PushContext, options: ListenerOptions): Listener[] {
  const byListener = new Map<string, GatewayServer[]>();
  for (const gs of gatewayServers(proxy, push)) {
    const name = `${gs.server.bind ?? '0.0.0.0'}_${gs.server.port.number}`;
    byListener.set(name, [...(byListener.get(name) ?? []), gs]);
  }
  const out: Listener[] = [];
  for (const [name, servers] of byListener) {
    const listener = buildListener(name, servers, proxy, push, options);
    if (listener) out.push(listener);
  }
  return out.sort((a, b) => (a.address?.socket_address?.port_value ?? 0) - (b.address?.socket_address?.port_value ?? 0));
}

function buildListener(name: string, servers: readonly GatewayServer[], proxy: Proxy, push: PushContext, options: ListenerOptions): Listener | undefined {
  const first = servers[0]!.server;
  const port = first.port.number;
  const fc: FilterChainContext = { proxy, push, listenerClass: 'gateway', port };
  const idle = push.mesh.tcpIdleTimeoutMs;
  const hcmChain = (routeName: string, statPrefix: string): FilterChain => ({
    filters: [httpConnectionManagerFilter({
      stat_prefix: statPrefix,
      rds: adsRds(routeName),
      http_filters: buildHttpFilters(fc, options.security),
      use_remote_address: { value: true },
      normalize_path: { value: true },
      forward_client_cert_details: 'SANITIZE_SET',
      set_current_client_cert_details: { subject: { value: true }, cert: true, dns: true, uri: true },
    })],
  });
  const tcpFilters = (dest: TcpDestination) => [...options.security.networkFilters(fc), tcpProxyFilter(destinationLabel(dest), dest, idle)];

  const chains: FilterChain[] = [];
  if (HTTP_PROTOCOLS.has(serverProtocol(first))) {
    chains.push({ name, ...hcmChain(gatewayRouteName(servers[0]!)!, `outbound_${name}`) });
  } else {
    for (const gs of servers) {
      const { server } = gs;
      const sni = serverNames(server.hosts);
      const match = sni.length > 0 ? { filter_chain_match: { server_names: sni } } : {};
      if (isHttpsTerminated(server)) {
        chains.push({ name: server.name ?? name, ...match, transport_socket: serverTransportSocket(server.tls!, true), ...hcmChain(gatewayRouteName(gs)!, server.name ?? `outbound_${name}`) });
      } else if (isPassthroughServer(server)) {
        for (const r of gatewaySniRoutes(gs, proxy, push)) {
          chains.push({ name: destinationLabel(r.destination), filter_chain_match: { server_names: [...r.serverNames] }, filters: tcpFilters(r.destination) });
        }
      } else {
        const dest = gatewayTcpDestination(gs, proxy, push);
        if (!dest) continue;
        const tls = server.tls ? { ...match, transport_socket: serverTransportSocket(server.tls, false) } : {};
        chains.push({ name: destinationLabel(dest), ...tls, filters: tcpFilters(dest) });
      }
    }
  }
  const unique = chains.filter((c, i) => chains.findIndex((o) => JSON.stringify(o.filter_chain_match ?? {}) === JSON.stringify(c.filter_chain_match ?? {})) === i);
  if (unique.length === 0) return undefined;
  const inspect = unique.some((c) => c.filter_chain_match?.server_names?.length || c.transport_socket);
  return {
    name,
    address: { socket_address: { address: first.bind ?? '0.0.0.0', port_value: port } },
    traffic_direction: 'OUTBOUND',
    filter_chains: unique,
    ...(inspect ? { listener_filters: [tlsInspector()] } : {}),
  };
}

/** SNI names for a server's hosts: the host part of `ns/host`, none when any host is `*`. */
function serverNames(hosts: readonly string[]): string[] {
  const names = hosts.map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h).toLowerCase());
  return names.includes('*') ? [] : [...new Set(names)];
}
