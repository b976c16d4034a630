// The EDS generator: ClusterLoadAssignments for the clusters a proxy subscribes to.
import type { ClusterLoadAssignment } from '../../../xds/generated/envoy/config/endpoint/v3/ClusterLoadAssignment.js';
import { ENDPOINT_TYPE } from '../../../xds/index.js';
import type { ServiceEndpoint } from '../../model/service.js';
import type { Generator, ResourceNames, XdsResource } from '../generator.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import { toXdsResource } from '../xds-resource.js';
import { buildClusters } from '../cds/build-clusters.js';
import { createAssignmentCache } from './assignment-cache.js';
import { createEndpointSources, selectEndpoints } from './build-endpoints.js';
import { clusterKeyOf } from './cluster-name-keys.js';
import { buildLocalityLbEndpoints } from './locality-lb-endpoints.js';

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
    const ipOnly = proxy.generator === 'grpc';
    const sourceOf = createEndpointSources(proxy, push);
    return clusterNames.map((name) => {
      const key = clusterKeyOf(name);
      if (!key || key.direction !== 'outbound') return assignment(name, [], ipOnly);
      // An assignment depends only on its name, the endpoint list and the subset's labels, so the
      // packed one is kept across pushes for as long as the registry hands out the same list.
      const source = sourceOf(key);
      return assignments.assignment(name, source, ipOnly, () => assignment(name, selectEndpoints(source), ipOnly));
    });
  },
};

/** One cache for the process, as the registry's endpoint lists are shared by every push. */
const assignments = createAssignmentCache();

function assignment(name: string, endpoints: readonly ServiceEndpoint[], ipOnly: boolean): XdsResource {
  const cla: ClusterLoadAssignment = { cluster_name: name, endpoints: buildLocalityLbEndpoints(endpoints, { ipOnly }) };
  return toXdsResource(CLUSTER_LOAD_ASSIGNMENT, name, cla as Record<string, unknown>);
}

/** Names of the proxy's EDS clusters, the ones whose endpoints EDS serves. */
export function edsClusterNames(proxy: Proxy, push: PushContext): string[] {
  return buildClusters(proxy, push)
    .filter((c) => c.type === 'EDS')
    .map((c) => c.name ?? '');
}
