// Packed ClusterLoadAssignments kept for as long as the registry's endpoint list they were built
// from lives: the registry hands out the same list object until a service's endpoints change.
import type { ServiceEndpoint } from '../../model/service.js';
import type { XdsResource } from '../generator.js';
import type { EndpointSource } from './build-endpoints.js';

type SubsetLabels = EndpointSource['subsetLabels'];

/** One packed assignment of a cluster name over an endpoint list. */
interface AssignmentVariant {
  readonly ipOnly: boolean;
  /** The labels last seen for this variant: a later equal object replaces it, so the next push matches by identity. */
  labels: SubsetLabels;
  readonly labelsText: string;
  readonly resource: XdsResource;
}

/**
 * How many assignments of one cluster name over one endpoint list are kept (proxy kinds, and
 * DestinationRules seen by different namespaces giving one subset name other labels).
 */
export const MAX_VARIANTS_PER_CLUSTER = 4;

/** Packed assignments reused across pushes; see {@link createAssignmentCache}. */
export interface AssignmentCache {
  /**
   * The packed assignment of cluster `name` from `source`, for a proxy that takes only IP
   * addresses (`ipOnly`) or not. `build` is called unless an assignment was built for the same
   * endpoint list object, name and `ipOnly`, and subset labels of the same content.
   */
  assignment(name: string, source: EndpointSource, ipOnly: boolean, build: () => XdsResource): XdsResource;
}

/** Creates an empty cache; what it holds for an endpoint list goes when the list does. */
export function createAssignmentCache(): AssignmentCache {
  const byList = new WeakMap<readonly ServiceEndpoint[], Map<string, AssignmentVariant[]>>();
  return {
    assignment(name, source, ipOnly, build) {
      let byName = byList.get(source.all);
      if (!byName) byList.set(source.all, (byName = new Map()));
      let variants = byName.get(name);
      if (!variants) byName.set(name, (variants = []));
      const labels = source.subsetLabels;
      let text: string | undefined;
      for (const v of variants) {
        if (v.ipOnly !== ipOnly) continue;
        if (v.labels === labels) return v.resource;
        if (v.labelsText === (text ??= labelsText(labels))) {
          v.labels = labels;
          return v.resource;
        }
      }
      const resource = build();
      variants.unshift({ ipOnly, labels, labelsText: text ?? labelsText(labels), resource });
      if (variants.length > MAX_VARIANTS_PER_CLUSTER) variants.length = MAX_VARIANTS_PER_CLUSTER;
      return resource;
    },
  };
}

/** Subset labels as text: `!` for an undefined subset, `{}` for the whole service, else the labels' JSON. */
function labelsText(labels: SubsetLabels): string {
  if (labels === null) return '!';
  return labels ? JSON.stringify(labels) : '{}';
}
