// How a service cluster finds its endpoints, by the service's resolution: EDS for STATIC,
// STRICT_DNS for DNS, LOGICAL_DNS for DNS_ROUND_ROBIN (endpoints inline), ORIGINAL_DST for NONE.
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { ConfigSource } from '../../../xds/generated/envoy/config/core/v3/ConfigSource.js';
import type { Service, ServiceEndpoint, ServicePort } from '../../model/service.js';
import { durationFromMs } from '../shared/duration.js';
import { buildLocalityLbEndpoints } from '../eds/locality-lb-endpoints.js';
import { DNS_REFRESH_RATE_MS, type ClusterContext } from './cluster-context.js';

/** Where EDS clusters get their endpoints: the proxy's ADS stream. */
export const ADS_CONFIG_SOURCE: ConfigSource = Object.freeze({ ads: {}, resource_api_version: 'V3' });

/** The discovery type of a cluster for `service`, for `ctx`'s proxy (proxyless gRPC: always EDS). */
export function discoveryTypeOf(ctx: ClusterContext, service: Service): NonNullable<Cluster['type']> {
  if (ctx.grpc) return 'EDS';
  switch (service.resolution) {
    case 'DNS':
      return 'STRICT_DNS';
    case 'DNS_ROUND_ROBIN':
      return 'LOGICAL_DNS';
    case 'NONE':
      return 'ORIGINAL_DST';
    default:
      return 'EDS';
  }
}

/**
 * A new cluster called `name` with its discovery type and, for DNS types, `endpoints` inline
 * (a LOGICAL_DNS cluster holds only the first, as Envoy requires). EDS config is added by
 * `applyEdsConfig` once the load balancer (which may turn the cluster into ORIGINAL_DST) is known.
 */
export function createServiceCluster(
  ctx: ClusterContext,
  name: string,
  service: Service,
  endpoints: readonly ServiceEndpoint[],
): Cluster {
  const type = discoveryTypeOf(ctx, service);
  const cluster: Cluster = { name, type };
  if (type !== 'STRICT_DNS' && type !== 'LOGICAL_DNS') return cluster;
  const resolved = type === 'LOGICAL_DNS' ? endpoints.slice(0, 1) : endpoints;
  cluster.load_assignment = { cluster_name: name, endpoints: buildLocalityLbEndpoints(resolved) };
  cluster.dns_lookup_family = ctx.dnsLookupFamily;
  cluster.dns_refresh_rate = durationFromMs(DNS_REFRESH_RATE_MS);
  cluster.respect_dns_ttl = true;
  return cluster;
}

/** Points an EDS cluster at ADS, under its own name; leaves other types alone. */
export function applyEdsConfig(cluster: Cluster): void {
  if (cluster.type !== 'EDS') return;
  cluster.eds_cluster_config = { service_name: cluster.name ?? '', eds_config: ADS_CONFIG_SOURCE };
}

/**
 * The endpoints a DNS service's clusters resolve: its own, or when it lists none, its host name on
 * the port's target port, as Istio does for a ServiceEntry without endpoints. (That stand-in has
 * no labels, so only subsets without labels keep it.) Other resolutions get `endpoints` as given.
 */
export function dnsEndpointsOf(service: Service, port: ServicePort, endpoints: readonly ServiceEndpoint[]): readonly ServiceEndpoint[] {
  const dns = service.resolution === 'DNS' || service.resolution === 'DNS_ROUND_ROBIN';
  return dns && endpoints.length === 0 ? [hostEndpoint(service, port)] : endpoints;
}

function hostEndpoint(service: Service, port: ServicePort): ServiceEndpoint {
  return {
    hostname: service.hostname,
    servicePort: port.port,
    address: service.hostname,
    port: port.targetPort ?? port.port,
    labels: {},
    namespace: service.namespace,
    weight: 1,
    tlsMode: 'disabled',
    healthy: true,
  };
}
