// The sidecar's inbound capture listener, `virtualInbound`: one filter chain per workload port,
// matched on the original destination port, into the app's `inbound|port||` cluster.
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, VIRTUAL_INBOUND_LISTENER, inboundClusterName } from '../../../xds/index.js';
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { ListenerFilter } from '../../../xds/generated/envoy/config/listener/v3/ListenerFilter.js';
import type { HttpConnectionManager } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { workloadPortProtocol } from '../../registry/protocol.js';
import { inboundServicesFor } from '../shared/inbound-services.js';
import { buildInboundRoute, isHttpOrSniffed } from '../rds/default-routes.js';
import { buildHttpFilters } from './http-filters.js';
import { PLAINTEXT_HTTP_ALPNS, httpInspector, originalDst, tlsInspector } from './listener-filters.js';
import type { ListenerOptions } from './listener-options.js';
import type { FilterChainContext } from './listener-security.js';
import { httpConnectionManagerFilter, tcpProxyFilter } from './network-filters.js';

/**
 * `virtualInbound` on 0.0.0.0 at the inbound capture port. Chains, in order: the capture port
 * itself to BlackHoleCluster (no loops); each workload port (HTTP ports through a connection
 * manager with an inline route, others through a TCP proxy), as the security hook shapes them;
 * and InboundPassthroughCluster for ports the workload did not declare: chains the hook gives
 * ports of their own (port-level mTLS), then the default chain, or port-less chains last when the
 * hook splits it by transport or any chain matches on transport or ALPN (mTLS).
 */
export function buildVirtualInboundListener(proxy: Proxy, push: PushContext, options: ListenerOptions): Listener {
  const idle = push.mesh.tcpIdleTimeoutMs;
  const chains: FilterChain[] = [
    {
      name: `${VIRTUAL_INBOUND_LISTENER}-blackhole`,
      filter_chain_match: { destination_port: { value: options.virtualInboundPort } },
      filters: [tcpProxyFilter(BLACKHOLE_CLUSTER, { cluster: BLACKHOLE_CLUSTER }, idle)],
    },
  ];
  const ports = [...new Map(proxy.workloadPorts.map((p) => [p.port, p])).values()].sort((a, b) => a.port - b.port);
  for (const wp of ports) {
    // The protocol of the service that targets this port wins over the port's own name, as in Istio.
    const protocol = inboundServicesFor(proxy, push, wp.port)[0]?.port.protocol ?? workloadPortProtocol(wp);
    if (protocol === 'UDP' || wp.port === options.virtualInboundPort || wp.port === options.virtualOutboundPort) continue;
    const ctx: FilterChainContext = { proxy, push, listenerClass: 'sidecar-inbound', port: wp.port };
    const cluster = inboundClusterName(wp.port);
    const terminal = isHttpOrSniffed(protocol)
      ? httpConnectionManagerFilter(inboundHcm(wp.port, cluster, buildHttpFilters(ctx, options.security)))
      : tcpProxyFilter(cluster, { cluster }, idle);
    const plaintext: FilterChain = {
      name: `0.0.0.0_${wp.port}`,
      filter_chain_match: { destination_port: { value: wp.port } },
      filters: isHttpOrSniffed(protocol) ? [terminal] : [...options.security.networkFilters(ctx), terminal],
    };
    chains.push(...options.security.inboundFilterChains(ctx, plaintext));
  }
  const passthrough: FilterChainContext = { proxy, push, listenerClass: 'sidecar-inbound', port: 0 };
  const plainPassthrough: FilterChain = {
    name: VIRTUAL_INBOUND_LISTENER,
    filters: [...options.security.networkFilters(passthrough), tcpProxyFilter(INBOUND_PASSTHROUGH_CLUSTER, { cluster: INBOUND_PASSTHROUGH_CLUSTER }, idle)],
  };
  // Undeclared ports follow the workload's mTLS mode too: the hook may split the passthrough chain
  // by transport, and give ports of their own (port-level mTLS) chains matching them; a port
  // already served above keeps only its own chains.
  const served = new Set(chains.map((c) => c.filter_chain_match?.destination_port?.value));
  const passthroughChains = options.security.inboundFilterChains(passthrough, plainPassthrough);
  const portOf = (c: FilterChain) => c.filter_chain_match?.destination_port?.value ?? 0;
  chains.push(...passthroughChains.filter((c) => portOf(c) !== 0 && !served.has(portOf(c))));
  const portless = passthroughChains.filter((c) => portOf(c) === 0);
  // Envoy hands the default chain every connection no chain matches, also one that reached a
  // port's chains but none of their transports: a STRICT port's plaintext. So it stays the default
  // only while no chain narrows by transport or ALPN.
  const narrowed = chains.some((c) => c.filter_chain_match?.transport_protocol || c.filter_chain_match?.application_protocols?.length);
  const split = narrowed || portless.length !== 1 || portless[0] !== plainPassthrough;
  if (split) chains.push(...portless);
  return {
    name: VIRTUAL_INBOUND_LISTENER,
    address: { socket_address: { address: '0.0.0.0', port_value: options.virtualInboundPort } },
    traffic_direction: 'INBOUND',
    listener_filters: inboundListenerFilters(chains),
    filter_chains: chains,
    ...(split ? {} : { default_filter_chain: plainPassthrough }),
  };
}

/**
 * Original destination, then the TLS inspector (TLS chains, SNI and ALPN), then the HTTP inspector
 * when a chain matches plaintext HTTP by its sniffed protocol; it must come after the TLS one.
 */
function inboundListenerFilters(chains: readonly FilterChain[]): ListenerFilter[] {
  const sniffed = chains.some((c) => c.filter_chain_match?.application_protocols?.some((p) => PLAINTEXT_HTTP_ALPNS.includes(p)));
  return sniffed ? [originalDst(), tlsInspector(), httpInspector()] : [originalDst(), tlsInspector()];
}

/**
 * The inbound connection manager: one virtual host for any authority, routing to the app's
 * cluster. It trusts no client X-Forwarded-For, and forwards the client certificate's details
 * (XFCC) when the connection is mTLS.
 */
function inboundHcm(port: number, cluster: string, httpFilters: HttpConnectionManager['http_filters']): HttpConnectionManager {
  return {
    stat_prefix: `inbound_0.0.0.0_${port}`,
    route_config: {
      name: cluster,
      virtual_hosts: [{ name: `inbound|http|${port}`, domains: ['*'], routes: [buildInboundRoute(cluster)] }],
      validate_clusters: { value: false },
    },
    http_filters: httpFilters ?? [],
    use_remote_address: { value: false },
    // Istio's default path normalisation (BASE): routes and policies see the path the app resolves.
    normalize_path: { value: true },
    forward_client_cert_details: 'APPEND_FORWARD',
    set_current_client_cert_details: { subject: { value: true }, dns: true, uri: true },
  };
}
