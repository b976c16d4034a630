// The CDS generator: Clusters for a proxy, packed for the wire, with the outbound ones kept
// across pushes while their inputs are unchanged.
import { CLUSTER_TYPE } from '../../../xds/index.js';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { Generator, ResourceNames, XdsResource } from '../generator.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import { toXdsResource } from '../xds-resource.js';
import { collectClusters } from './build-clusters.js';
import { createOutboundClusterCache, type OutboundClusterCache } from './cluster-cache.js';
import { buildOutboundClusters } from './outbound-clusters.js';

/** The message type of CDS resources. */
export const CLUSTER_MESSAGE = 'envoy.config.cluster.v3.Cluster';

/** A Cluster packed as a CDS resource. */
export function clusterResource(cluster: Cluster): XdsResource {
  return toXdsResource(CLUSTER_MESSAGE, cluster.name ?? '', cluster as Record<string, unknown>);
}

/**
 * A CDS generator with its own cross-push cache of outbound clusters (see
 * {@link OutboundClusterCache}); special and inbound clusters are built for every call. It gives
 * what packing buildClusters' output gives, cluster for cluster.
 */
export function createClusterGenerator(cache: OutboundClusterCache = createOutboundClusterCache()): Generator {
  return {
    typeUrl: CLUSTER_TYPE,
    generate(proxy: Proxy, push: PushContext, names: ResourceNames): readonly XdsResource[] {
      cache.rotate(push);
      return collectClusters(
        proxy,
        push,
        names,
        (ctx, service, port) => cache.clusters(ctx, service, port, (inputs) => buildOutboundClusters(ctx, service, port, undefined, inputs).map(clusterResource)),
        clusterResource,
      );
    },
  };
}

/** The CDS generator the control plane uses: one cache for the process. */
export const clusterGenerator: Generator = createClusterGenerator();
