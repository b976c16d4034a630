// The EDS generator: ClusterLoadAssignments for the clusters a proxy subscribes to.
import type { ClusterLoadAssignment } from '../../../xds/generated/envoy/config/endpoint/v3/ClusterLoadAssignment.js';
import { ENDPOINT_TYPE, parseClusterName } from '../../../xds/index.js';
import type { ServiceEndpoint } from '../../model/service.js';
import type { Generator, ResourceNames, XdsResource } from '../generator.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import { toXdsResource } from '../xds-resource.js';
import { buildClusters } from '../cds/build-clusters.js';
import { endpointSourceOf, selectEndpoints } from './build-endpoints.js';
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
    return clusterNames.map((name) => {
      const key = parseClusterName(name);
      if (!key || key.direction !== 'outbound') return assignment(name, [], ipOnly);
      const source = endpointSourceOf(proxy, push, key);
      // An assignment depends only on its name, the endpoint list and the subset's labels. The
      // registry hands out the same list object until the endpoints change, so the packed
      // assignment is kept across pushes for as long as that list lives.
      let cache = byEndpointList.get(source.all);
      if (!cache) byEndpointList.set(source.all, (cache = new Map()));
      const cacheKey = `${name}|${ipOnly ? 'ip' : 'any'}|${source.subsetLabels === null ? '!' : labelsKey(source.subsetLabels)}`;
      let resource = cache.get(cacheKey);
      if (!resource) cache.set(cacheKey, (resource = assignment(name, selectEndpoints(source), ipOnly)));
      return resource;
    });
  },
};

const byEndpointList = new WeakMap<readonly ServiceEndpoint[], Map<string, XdsResource>>();

/** Subset labels as text, remembered per frozen labels object (a DestinationRule's, the same object while it is unchanged). */
const labelKeys = new WeakMap<object, string>();

function labelsKey(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '{}';
  if (!Object.isFrozen(labels)) return JSON.stringify(labels);
  let key = labelKeys.get(labels);
  if (key === undefined) labelKeys.set(labels, (key = JSON.stringify(labels)));
  return key;
}

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
