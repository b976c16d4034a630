// The CDS generator: Clusters for a proxy, packed for the wire.
import { CLUSTER_TYPE } from '../../../xds/index.js';
import type { Generator, ResourceNames, XdsResource } from '../generator.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import { toXdsResource } from '../xds-resource.js';
import { buildClusters } from './build-clusters.js';

/** The message type of CDS resources. */
export const CLUSTER_MESSAGE = 'envoy.config.cluster.v3.Cluster';

/** Builds the proxy's Clusters (all of them, or those named) for CLUSTER_TYPE. */
export const clusterGenerator: Generator = {
  typeUrl: CLUSTER_TYPE,
  generate(proxy: Proxy, push: PushContext, names: ResourceNames): readonly XdsResource[] {
    return buildClusters(proxy, push, names).map((c) => toXdsResource(CLUSTER_MESSAGE, c.name ?? '', c as Record<string, unknown>));
  },
};
