// What every cluster built for one proxy in one push shares: the proxy, the push and the
// settings derived from them once, rather than per cluster.
import { isIPv6 } from 'node:net';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { Duration } from '../../../xds/generated/google/protobuf/Duration.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import { durationFromMs } from '../shared/duration.js';

/** Istio's default DNS refresh rate for STRICT_DNS and LOGICAL_DNS clusters (mesh `dnsRefreshRate`). */
export const DNS_REFRESH_RATE_MS = 60_000;

/** Per-proxy, per-push inputs shared by every cluster builder. */
export interface ClusterContext {
  readonly proxy: Proxy;
  readonly push: PushContext;
  /** A proxyless gRPC client: EDS clusters only, with what grpc-js-xds accepts. */
  readonly grpc: boolean;
  /** An Envoy-style sidecar (not a gateway, not proxyless gRPC). */
  readonly sidecar: boolean;
  /** The mesh connect timeout, as a Duration. */
  readonly connectTimeout: Duration;
  /** DNS lookup family matching the proxy's own address families. */
  readonly dnsLookupFamily: NonNullable<Cluster['dns_lookup_family']>;
}

/** The context for building `proxy`'s clusters from `push`. */
export function createClusterContext(proxy: Proxy, push: PushContext): ClusterContext {
  const grpc = proxy.generator === 'grpc';
  return {
    proxy,
    push,
    grpc,
    sidecar: !grpc && proxy.type === 'sidecar',
    connectTimeout: durationFromMs(push.mesh.connectTimeoutMs),
    dnsLookupFamily: dnsLookupFamilyOf(proxy.ipAddresses),
  };
}

/** V4_ONLY unless the proxy has IPv6 addresses: V6_ONLY with only those, ALL with both. */
function dnsLookupFamilyOf(addresses: readonly string[]): NonNullable<Cluster['dns_lookup_family']> {
  const v6 = addresses.filter((a) => isIPv6(a)).length;
  if (v6 === 0) return 'V4_ONLY';
  return v6 === addresses.length ? 'V6_ONLY' : 'ALL';
}
