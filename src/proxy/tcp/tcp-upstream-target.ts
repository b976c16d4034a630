// Resolves the TCP proxy's cluster name to a connect target: BlackHoleCluster, original-destination
// clusters (PassthroughCluster, InboundPassthroughCluster), or an endpoint the cluster's LB picks.
import { BLACKHOLE_CLUSTER } from '../../xds/index.js';
import type { ClusterConfig } from '../config/cluster.js';
import type { EndpointConfig } from '../config/endpoint.js';
import type { ConnectionContext } from '../listener/connection-handler.js';
import type { TransportResult } from '../tls/upstream-transport.js';
import type { TcpProxyDeps, TcpUpstreamTarget } from './tcp-proxy.js';

/** What the resolver needs from the cluster manager. */
export interface TcpClusterSource {
  cluster(name: string): ClusterConfig | undefined;
  /** A healthy endpoint chosen by the cluster's load balancer; undefined when there is none. */
  pickEndpoint(cluster: ClusterConfig, context: ConnectionContext): EndpointConfig | undefined;
  /** The transport to an endpoint (`tlsMode` is its metadata); plaintext when absent. */
  transport?(cluster: ClusterConfig, tlsMode: string | undefined): TransportResult;
}

/**
 * The `resolve` of {@link TcpProxyDeps}: `blackhole` for BlackHoleCluster; for an ORIGINAL_DST
 * cluster the connection's original destination, bound to the cluster's `upstreamBindAddress`;
 * otherwise the picked endpoint; with the endpoint's transport (TLS options, or the reason it is
 * unavailable) when the source resolves transports. Undefined when the cluster is unknown or has no endpoint.
 */
export function createTcpTargetResolver(source: TcpClusterSource): TcpProxyDeps['resolve'] {
  return (name, context) => {
    if (name === BLACKHOLE_CLUSTER) return 'blackhole';
    const cluster = source.cluster(name);
    if (!cluster) return undefined;
    const base = {
      connectTimeoutMs: cluster.connectTimeoutMs,
      ...(cluster.upstreamBindAddress ? { localAddress: cluster.upstreamBindAddress } : {}),
      ...(cluster.serviceHost ? { destinationService: cluster.serviceHost } : {}),
    };
    const withTransport = (target: TcpUpstreamTarget, tlsMode: string | undefined): TcpUpstreamTarget => {
      const resolved = source.transport?.(cluster, tlsMode);
      if (!resolved) return target;
      if (!resolved.ok) return { ...target, transportFailure: resolved.reason };
      return resolved.transport.tls ? { ...target, tls: resolved.transport.tls } : target;
    };
    if (cluster.type === 'ORIGINAL_DST') {
      return withTransport({ ...base, address: context.connection.destinationAddress, port: context.connection.destinationPort }, undefined);
    }
    const endpoint = source.pickEndpoint(cluster, context);
    return endpoint ? withTransport({ ...base, address: endpoint.address, port: endpoint.port }, endpoint.tlsMode) : undefined;
  };
}
