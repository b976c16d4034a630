// Resolves the TCP proxy's cluster name to a connect target: BlackHoleCluster, original-destination
// clusters (PassthroughCluster, InboundPassthroughCluster), or an endpoint the cluster's LB picks.
import { BLACKHOLE_CLUSTER } from '../../xds/index.js';
import type { ClusterConfig } from '../config/cluster.js';
import type { EndpointConfig } from '../config/endpoint.js';
import type { ConnectionContext } from '../listener/connection-handler.js';
import type { TcpProxyDeps, TcpUpstreamTarget } from './tcp-proxy.js';

/** What the resolver needs from the cluster manager. */
export interface TcpClusterSource {
  cluster(name: string): ClusterConfig | undefined;
  /** A healthy endpoint chosen by the cluster's load balancer; undefined when there is none. */
  pickEndpoint(cluster: ClusterConfig, context: ConnectionContext): EndpointConfig | undefined;
}

/**
 * The `resolve` of {@link TcpProxyDeps}: `blackhole` for BlackHoleCluster; for an ORIGINAL_DST
 * cluster the connection's original destination, bound to the cluster's `upstreamBindAddress`;
 * otherwise the picked endpoint. Undefined when the cluster is unknown or has no endpoint.
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
    if (cluster.type === 'ORIGINAL_DST') {
      const target: TcpUpstreamTarget = { ...base, address: context.connection.destinationAddress, port: context.connection.destinationPort };
      return target;
    }
    const endpoint = source.pickEndpoint(cluster, context);
    return endpoint ? { ...base, address: endpoint.address, port: endpoint.port } : undefined;
  };
}
