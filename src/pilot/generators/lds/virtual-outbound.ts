// The sidecar's outbound capture listener, `virtualOutbound`: it hands each redirected connection
// to the listener of its original destination, and passes through (or drops) the rest.
import { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER, VIRTUAL_OUTBOUND_LISTENER } from '../../../xds/index.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { ListenerOptions } from './listener-options.js';
import { tcpProxyFilter } from './network-filters.js';

/**
 * `virtualOutbound` on 0.0.0.0 at the outbound capture port, with `use_original_dst`. A
 * connection whose original destination matches no other listener takes the default chain: TCP
 * to PassthroughCluster under ALLOW_ANY, to BlackHoleCluster under REGISTRY_ONLY. Connections
 * addressed to the capture port itself go to BlackHoleCluster, so the proxy never loops.
 */
export function buildVirtualOutboundListener(proxy: Proxy, push: PushContext, options: ListenerOptions): Listener {
  const idle = push.mesh.tcpIdleTimeoutMs;
  const fallback = push.mesh.outboundTrafficPolicy === 'ALLOW_ANY' ? PASSTHROUGH_CLUSTER : BLACKHOLE_CLUSTER;
  const ctx = { proxy, push, listenerClass: 'sidecar-outbound' as const, port: 0 };
  return {
    name: VIRTUAL_OUTBOUND_LISTENER,
    address: { socket_address: { address: '0.0.0.0', port_value: options.virtualOutboundPort } },
    use_original_dst: { value: true },
    traffic_direction: 'OUTBOUND',
    filter_chains: [
      {
        name: `${VIRTUAL_OUTBOUND_LISTENER}-blackhole`,
        filter_chain_match: { destination_port: { value: options.virtualOutboundPort } },
        filters: [tcpProxyFilter(BLACKHOLE_CLUSTER, { cluster: BLACKHOLE_CLUSTER }, idle)],
      },
    ],
    default_filter_chain: {
      name: 'PassthroughFilterChain',
      filters: [...options.security.networkFilters(ctx), tcpProxyFilter(fallback, { cluster: fallback }, idle)],
    },
  };
}
