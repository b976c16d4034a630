// Listener configs for the tests: the productpage sidecar's listeners as Pilot generates them
// (decoded by hand from its LDS output), and gateway-like TLS and sniffed chains.
import type { FilterChainConfig, FilterChainMatch, ListenerConfig, NetworkFilterConfig } from '../config/listener.js';

const IDLE = 3_600_000;

/** A filter chain with a TCP proxy to `cluster`, or an HTTP connection manager when `cluster` is omitted. */
export function chain(name: string, match: Partial<FilterChainMatch> = {}, cluster?: string): FilterChainConfig {
  const network: NetworkFilterConfig = cluster
    ? { kind: 'tcp', tcp: { statPrefix: cluster, clusters: [{ name: cluster, weight: 1 }], idleTimeoutMs: IDLE } }
    : {
        kind: 'http',
        hcm: {
          statPrefix: name, rdsRouteConfigName: name, httpFilters: [{ name: 'envoy.filters.http.router', kind: 'router' }], codec: 'auto',
          streamIdleTimeoutMs: 300_000, requestTimeoutMs: 0, requestHeadersTimeoutMs: 0, maxRequestHeadersKb: 60,
          useRemoteAddress: false, generateRequestId: true, upgradeTypes: [],
        },
      };
  return { name, match: { prefixRanges: [], sourcePrefixRanges: [], serverNames: [], applicationProtocols: [], ...match }, network };
}

/** A listener with the defaults of the decoder: no listener filters, a 15 s filter timeout. */
export function listener(name: string, fields: Partial<ListenerConfig>): ListenerConfig {
  return {
    name, address: '0.0.0.0', port: 0, bindToPort: true, useOriginalDst: false, trafficDirection: 'OUTBOUND',
    listenerFilters: [], listenerFiltersTimeoutMs: 15_000, continueOnListenerFiltersTimeout: false, filterChains: [], ...fields,
  };
}

export const VIRTUAL_OUTBOUND = listener('virtualOutbound', {
  port: 15001, useOriginalDst: true,
  filterChains: [chain('virtualOutbound-blackhole', { destinationPort: 15001 }, 'BlackHoleCluster')],
  defaultFilterChain: chain('PassthroughFilterChain', {}, 'PassthroughCluster'),
});

export const OUTBOUND_9080 = listener('0.0.0.0_9080', { port: 9080, bindToPort: false, filterChains: [chain('0.0.0.0_9080')] });

export const VIRTUAL_INBOUND = listener('virtualInbound', {
  port: 15006, useOriginalDst: true, trafficDirection: 'INBOUND', listenerFilters: ['original_dst', 'tls_inspector'],
  filterChains: [
    chain('virtualInbound-blackhole', { destinationPort: 15006 }, 'BlackHoleCluster'),
    chain('0.0.0.0_9080', { destinationPort: 9080 }),
  ],
  defaultFilterChain: chain('virtualInbound', {}, 'InboundPassthroughCluster'),
});

/** virtualInbound under PERMISSIVE mTLS: a TLS chain with Istio's ALPNs before the plaintext one. */
export const VIRTUAL_INBOUND_MTLS = listener('virtualInbound', {
  ...VIRTUAL_INBOUND,
  filterChains: [
    VIRTUAL_INBOUND.filterChains[0]!,
    chain('0.0.0.0_9080-mtls', { destinationPort: 9080, transportProtocol: 'tls', applicationProtocols: ['istio-http/1.0', 'istio-http/1.1', 'istio-h2'] }),
    chain('0.0.0.0_9080-mtls-tcp', { destinationPort: 9080, transportProtocol: 'tls' }),
    chain('0.0.0.0_9080-plain', { destinationPort: 9080, transportProtocol: 'raw_buffer' }),
  ],
});

/** A gateway port with SNI chains: exact and wildcard names, and a catch-all. */
export const GATEWAY_443 = listener('0.0.0.0_8443', {
  port: 8443, listenerFilters: ['tls_inspector'],
  filterChains: [
    chain('bookinfo', { serverNames: ['bookinfo.example.com'] }),
    chain('wild-example', { serverNames: ['*.example.com'] }, 'outbound|443||wild'),
    chain('wild-api', { serverNames: ['*.api.example.com'] }, 'outbound|443||api'),
    chain('h2-only', { serverNames: ['grpc.example.com'], applicationProtocols: ['h2'] }),
    chain('catch-all', {}, 'outbound|443||default'),
  ],
});

/** A sniffed outbound port: HTTP for a service address when the inspector says HTTP, else TCP. */
export const SNIFFED_3000 = listener('0.0.0.0_3000', {
  port: 3000, bindToPort: false, listenerFilters: ['http_inspector'],
  filterChains: [
    chain('web-http', { prefixRanges: [{ address: '10.96.0.20', prefixLen: 32 }], applicationProtocols: ['http/1.1', 'http/1.0', 'h2c'] }),
    chain('web-tcp', { prefixRanges: [{ address: '10.96.0.20', prefixLen: 32 }] }, 'outbound|3000||web'),
    chain('subnet-tcp', { prefixRanges: [{ address: '10.96.0.0', prefixLen: 16 }] }, 'outbound|3000||subnet'),
    chain('v6-tcp', { prefixRanges: [{ address: 'fd00::', prefixLen: 8 }] }, 'outbound|3000||v6'),
    chain('0.0.0.0_3000', { applicationProtocols: ['http/1.1', 'http/1.0', 'h2c'] }),
  ],
});
