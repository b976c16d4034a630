// EDS: a ClusterLoadAssignment for each cluster a proxy asks for, from the registry's endpoints
// of the service port, narrowed to a subset's labels for subset clusters.
import type { ClusterLoadAssignment } from '../../../xds/generated/envoy/config/endpoint/v3/ClusterLoadAssignment.js';
import { parseClusterName, type ClusterKey } from '../../../xds/index.js';
import type { DestinationRule, PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { ServiceEndpoint } from '../../model/service.js';
import { findSubset } from '../shared/merge-traffic-policy.js';
import { buildLocalityLbEndpoints } from './locality-lb-endpoints.js';

/**
 * One ClusterLoadAssignment per name in `clusterNames`, in that order. Every name gets one, even
 * when it has no endpoints: a name that is not an outbound service cluster, a service with no
 * endpoints, or a subset the applicable DestinationRule does not define (its traffic must not
 * fall back to every endpoint) gets an assignment with no endpoints.
 */
export function buildEndpoints(proxy: Proxy, push: PushContext, clusterNames: readonly string[]): ClusterLoadAssignment[] {
  const ipOnly = proxy.generator === 'grpc';
  return clusterNames.map((name) => {
    const key = parseClusterName(name);
    const endpoints = key && key.direction === 'outbound' ? endpointsFor(proxy, push, key) : [];
    return { cluster_name: name, endpoints: buildLocalityLbEndpoints(endpoints, { ipOnly }) };
  });
}

/** What a cluster's assignment is built from: the service port's endpoints, and the subset's labels. */
export interface EndpointSource {
  /** The endpoints of the service port, as the registry returned them (unchanged lists are the same object). */
  readonly all: readonly ServiceEndpoint[];
  /** The subset's labels; undefined for the whole service, null for a subset that is not defined. */
  readonly subsetLabels: Readonly<Record<string, string>> | undefined | null;
}

/** Where a cluster's endpoints come from, for `key` as seen by `proxy`. */
export function endpointSourceOf(proxy: Proxy, push: PushContext, key: ClusterKey): EndpointSource {
  const service = push.service(key.host, proxy.namespace);
  const all = push.endpoints(key.host, key.port, service?.namespace);
  if (!key.subset) return { all, subsetLabels: undefined };
  const subset = findSubset(push.destinationRuleFor(proxy, key.host)?.spec, key.subset);
  return { all, subsetLabels: subset ? (subset.labels ?? {}) : null };
}

/**
 * {@link endpointSourceOf} for many cluster names of one request, looking each host and port up
 * once: the names of a service's default and subset clusters come one after another, and all
 * read the same service, endpoint list and DestinationRule.
 */
export function createEndpointSources(proxy: Proxy, push: PushContext): (key: ClusterKey) => EndpointSource {
  let host: string | undefined;
  let port = 0;
  let all: readonly ServiceEndpoint[] = [];
  // null: not looked up yet for this host.
  let rule: DestinationRule | undefined | null = null;
  return (key) => {
    if (key.host !== host || key.port !== port) {
      host = key.host;
      port = key.port;
      all = push.endpoints(key.host, key.port, push.service(key.host, proxy.namespace)?.namespace);
      rule = null;
    }
    if (!key.subset) return { all, subsetLabels: undefined };
    if (rule === null) rule = push.destinationRuleFor(proxy, key.host);
    const subset = findSubset(rule?.spec, key.subset);
    return { all, subsetLabels: subset ? (subset.labels ?? {}) : null };
  };
}

/** The endpoints a source selects. */
export function selectEndpoints(source: EndpointSource): readonly ServiceEndpoint[] {
  const { all, subsetLabels } = source;
  if (subsetLabels === null) return [];
  const labels = Object.entries(subsetLabels ?? {});
  if (labels.length === 0) return all;
  return all.filter((endpoint) => labels.every(([k, v]) => endpoint.labels[k] === v));
}

/**
 * The endpoints of a cluster: those of the service port (of the service the proxy sees under that
 * host, its own namespace's first), filtered by the subset's labels.
 */
export function endpointsFor(proxy: Proxy, push: PushContext, key: ClusterKey): readonly ServiceEndpoint[] {
  return selectEndpoints(endpointSourceOf(proxy, push, key));
}
