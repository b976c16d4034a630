// The outbound clusters of one service port: `outbound|port||host`, plus one per subset of the
// DestinationRule that applies to the proxy, each with its merged traffic policy applied.
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import { outboundClusterName } from '../../../xds/index.js';
import type { DestinationRule } from '../../model/push-context.js';
import type { Service, ServiceEndpoint, ServicePort } from '../../model/service.js';
import type { ResolvedTrafficPolicy } from '../../../api/index.js';
import { mergeSubsetTrafficPolicy, portTrafficPolicy } from '../shared/merge-traffic-policy.js';
import type { ClusterContext } from './cluster-context.js';
import { finishCluster, type ClusterDraft } from './cluster-draft.js';
import { applyEdsConfig, createServiceCluster, dnsEndpointsOf } from './cluster-discovery.js';
import { buildClusterMetadata } from './cluster-metadata.js';
import { applyConnectionPool, buildCircuitBreakers } from './connection-pool.js';
import { applyGrpcLoadBalancer, applyLoadBalancer } from './load-balancer.js';
import { applyOutlierDetection } from './outlier-detection.js';
import { applyH2Upgrade, applyUpstreamProtocol } from './upstream-protocol.js';
import { applyUpstreamTls } from './upstream-tls.js';
import { autoMtlsDisabled } from '../../security/mtls/service-mtls.js';

/** One cluster to build: a service port, and a subset of it or not. */
interface ClusterTarget {
  readonly service: Service;
  readonly port: ServicePort;
  readonly subset: string;
  readonly endpoints: readonly ServiceEndpoint[];
  readonly serviceAccounts: readonly string[];
  readonly rule: DestinationRule | undefined;
  readonly peerMtlsDisabled: boolean;
}

/** What a service port's outbound clusters are built from besides the service, the port and the proxy's kind. */
export interface OutboundClusterInputs {
  /** The DestinationRule that applies for the proxy, if any. */
  readonly rule: DestinationRule | undefined;
  /** The registry's endpoints of the port. */
  readonly registered: readonly ServiceEndpoint[];
  /** PeerAuthentication has the service's workloads accept only plaintext, so auto mTLS sends plaintext. */
  readonly peerMtlsDisabled: boolean;
}

/** Looks up the inputs of `service`'s `port` clusters for `ctx`'s proxy. */
export function outboundClusterInputs(ctx: ClusterContext, service: Service, port: ServicePort): OutboundClusterInputs {
  // Proxyless clients read endpoints from EDS, but ISTIO_MUTUAL checks the server against their service accounts.
  const registered = ctx.push.endpoints(service.hostname, port.port, service.namespace);
  return {
    rule: ctx.push.destinationRuleFor(ctx.proxy, service.hostname),
    registered,
    peerMtlsDisabled: !ctx.grpc && autoMtlsDisabled(ctx.push, service, registered),
  };
}

/**
 * The clusters of `service`'s `port` for `ctx`'s proxy: the default cluster with the
 * DestinationRule's policy for the port, then one per subset with the subset's policy merged
 * over it. With `wanted`, only the clusters it names. The result depends on nothing but
 * `service`, `port`, `inputs` (PeerAuthentication included), the mesh config and the kind fields of `ctx` (grpc, sidecar,
 * dnsLookupFamily), which is what lets the cross-push cache (cluster-cache.ts) reuse it.
 */
export function buildOutboundClusters(
  ctx: ClusterContext,
  service: Service,
  port: ServicePort,
  wanted?: ReadonlySet<string>,
  inputs: OutboundClusterInputs = outboundClusterInputs(ctx, service, port),
): Cluster[] {
  const { rule, registered, peerMtlsDisabled } = inputs;
  const spec = rule?.spec;
  const serviceAccounts = serviceAccountsOf(registered, ctx.push.mesh.trustDomain);
  const endpoints = ctx.grpc ? registered : dnsEndpointsOf(service, port, registered);
  const base: Omit<ClusterTarget, 'subset'> = { service, port, endpoints, serviceAccounts, rule, peerMtlsDisabled };
  const out: Cluster[] = [];
  if (!wanted || wanted.has(outboundClusterName(port.port, '', service.hostname))) {
    out.push(buildServiceCluster(ctx, { ...base, subset: '' }, portTrafficPolicy(spec?.trafficPolicy, port.port).policy));
  }
  for (const subset of spec?.subsets ?? []) {
    if (wanted && !wanted.has(outboundClusterName(port.port, subset.name, service.hostname))) continue;
    const labels = Object.entries(subset.labels ?? {});
    const subsetEndpoints = labels.length === 0 ? endpoints : endpoints.filter((e) => labels.every(([k, v]) => e.labels[k] === v));
    const policy = mergeSubsetTrafficPolicy(spec?.trafficPolicy, subset.trafficPolicy, port.port);
    out.push(buildServiceCluster(ctx, { ...base, subset: subset.name, endpoints: subsetEndpoints }, policy));
  }
  return out;
}

/**
 * The SPIFFE identities of the workloads behind `endpoints`, sorted: what ISTIO_MUTUAL and auto
 * mTLS verify the server against. A change here changes CDS, not only EDS.
 */
export function serviceAccountsOf(endpoints: readonly ServiceEndpoint[], trustDomain: string): string[] {
  const ids = new Set<string>();
  for (const e of endpoints) if (e.serviceAccount) ids.add(`spiffe://${trustDomain}/ns/${e.namespace}/sa/${e.serviceAccount}`);
  return [...ids].sort();
}

function buildServiceCluster(ctx: ClusterContext, target: ClusterTarget, policy: ResolvedTrafficPolicy | undefined): Cluster {
  const { service, port, subset } = target;
  const name = outboundClusterName(port.port, subset, service.hostname);
  const draft: ClusterDraft = { cluster: createServiceCluster(ctx, name, service, target.endpoints) };
  const { cluster } = draft;
  const tlsTarget = {
    host: service.hostname,
    port: port.port,
    subset,
    meshExternal: service.meshExternal,
    serviceAccounts: target.serviceAccounts,
    peerMtlsDisabled: target.peerMtlsDisabled,
  };
  if (ctx.grpc) {
    cluster.circuit_breakers = buildCircuitBreakers(policy?.connectionPool);
    applyOutlierDetection(cluster, policy?.outlierDetection, true);
    applyGrpcLoadBalancer(cluster, policy?.loadBalancer);
    applyUpstreamTls(draft, ctx, tlsTarget, policy?.tls);
    applyEdsConfig(cluster);
    return cluster;
  }
  applyUpstreamProtocol(draft, port, ctx.sidecar);
  applyConnectionPool(draft, policy?.connectionPool, ctx.connectTimeout);
  applyH2Upgrade(draft, policy?.connectionPool);
  applyOutlierDetection(cluster, policy?.outlierDetection, false);
  applyLoadBalancer(cluster, policy?.loadBalancer);
  applyUpstreamTls(draft, ctx, tlsTarget, policy?.tls);
  applyEdsConfig(cluster);
  cluster.metadata = buildClusterMetadata(service, port.port, subset, target.rule);
  return finishCluster(draft);
}
