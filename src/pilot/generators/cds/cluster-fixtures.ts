// Shared fixtures for the CDS tests: clusters generated (and so packed and field-checked) for a
// fake push, and decoding of the Anys nested in them.
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { HttpProtocolOptions__Output } from '../../../xds/generated/envoy/extensions/upstreams/http/v3/HttpProtocolOptions.js';
import type { UpstreamTlsContext__Output } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.js';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { ServicePort } from '../../model/service.js';
import { fakeProxy, fakeService } from '../shared/fake-push-context.js';
import { HTTP_PROTOCOL_OPTIONS } from './cluster-draft.js';
import { clusterGenerator } from './cluster-generator.js';

export const REVIEWS = 'reviews.default.svc.cluster.local';
export const HTTP_9080: ServicePort = { name: 'http', port: 9080, protocol: 'HTTP' };
export const reviewsService = fakeService(REVIEWS, [HTTP_9080]);

/** The proxy's clusters by name, each generated through the CDS generator (so packed and field-checked). */
export function clustersFor(push: PushContext, proxy: Proxy = fakeProxy()): Map<string, Cluster> {
  const out = new Map<string, Cluster>();
  for (const r of clusterGenerator.generate(proxy, push, undefined)) out.set(r.name, r.message as Cluster);
  return out;
}

/** The cluster called `name`; throws when there is none. */
export function clusterNamed(clusters: Map<string, Cluster>, name: string): Cluster {
  const c = clusters.get(name);
  if (!c) throw new Error(`no cluster ${name}; have ${[...clusters.keys()].join(', ')}`);
  return c;
}

/** The decoded UpstreamTlsContext of a transport socket's typed_config. */
export function tlsContextOf(typedConfig: unknown): UpstreamTlsContext__Output {
  return unpackAny<UpstreamTlsContext__Output>(typedConfig as AnyMessage);
}

/** The decoded upstream HTTP protocol options of a cluster, if it has any. */
export function httpOptionsOfCluster(cluster: Cluster): HttpProtocolOptions__Output | undefined {
  const any = cluster.typed_extension_protocol_options?.[HTTP_PROTOCOL_OPTIONS];
  return any ? unpackAny<HttpProtocolOptions__Output>(any as AnyMessage) : undefined;
}
