// The EDS generator: ClusterLoadAssignments for the clusters a proxy subscribes to.
import { ENDPOINT_TYPE } from '../../../xds/index.js';
import type { Generator, ResourceNames, XdsResource } from '../generator.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import { toXdsResource } from '../xds-resource.js';
import { buildClusters } from '../cds/build-clusters.js';
import { buildEndpoints } from './build-endpoints.js';

/** The message type of EDS resources. */
export const CLUSTER_LOAD_ASSIGNMENT = 'envoy.config.endpoint.v3.ClusterLoadAssignment';

/**
 * Builds ClusterLoadAssignments for the requested cluster names. A wildcard request (no names)
 * gets one for every EDS cluster the proxy's CDS holds.
 */
export const endpointGenerator: Generator = {
  typeUrl: ENDPOINT_TYPE,
  generate(proxy: Proxy, push: PushContext, names: ResourceNames): readonly XdsResource[] {
    const clusterNames = names ?? edsClusterNames(proxy, push);
    return buildEndpoints(proxy, push, clusterNames).map((cla) =>
      toXdsResource(CLUSTER_LOAD_ASSIGNMENT, cla.cluster_name ?? '', cla as Record<string, unknown>),
    );
  },
};

/** Names of the proxy's EDS clusters, the ones whose endpoints EDS serves. */
export function edsClusterNames(proxy: Proxy, push: PushContext): string[] {
  return buildClusters(proxy, push)
    .filter((c) => c.type === 'EDS')
    .map((c) => c.name ?? '');
}
