// CDS: every cluster a proxy needs (Istio's BuildClusters): outbound clusters for each visible
// service port, and for Envoy-style proxies the special and inbound clusters.
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import { parseClusterName } from '../../../xds/index.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { ResourceNames } from '../generator.js';
import type { Service, ServicePort } from '../../model/service.js';
import { createClusterContext, type ClusterContext } from './cluster-context.js';
import { buildInboundClusters } from './inbound-clusters.js';
import { buildOutboundClusters } from './outbound-clusters.js';
import { buildBlackHoleCluster, buildInboundPassthroughCluster, buildPassthroughCluster } from './special-clusters.js';

/**
 * The clusters of `proxy`: for every non-UDP port of every service visible to it, the default
 * and subset outbound clusters. Sidecars also get BlackHoleCluster, PassthroughCluster,
 * InboundPassthroughCluster and an `inbound|port||` cluster per workload port; gateways get
 * BlackHoleCluster; proxyless gRPC clients get only the outbound EDS clusters. With `names`,
 * only the clusters named there (services not named are not even built).
 */
export function buildClusters(proxy: Proxy, push: PushContext, names?: ResourceNames): Cluster[] {
  return collectClusters(proxy, push, names, buildOutboundClusters, (c) => c);
}

/**
 * What {@link buildClusters} does, in another form: `outbound` gives a service port's clusters
 * (filtered by the wanted names, or all of them, which are then filtered here) and `special`
 * converts each special or inbound cluster. `name` reads a result's cluster name.
 */
export function collectClusters<T extends { readonly name?: string | null }>(
  proxy: Proxy,
  push: PushContext,
  names: ResourceNames,
  outbound: (ctx: ClusterContext, service: Service, port: ServicePort, wanted?: ReadonlySet<string>) => readonly T[],
  special: (cluster: Cluster) => T,
): T[] {
  const ctx = createClusterContext(proxy, push);
  const wanted = names ? new Set(names) : undefined;
  const wantedPorts = wanted ? servicePortsNamed(wanted) : undefined;
  const out: T[] = [];
  for (const service of push.servicesFor(proxy)) {
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      if (wantedPorts && !wantedPorts.has(`${port.port}|${service.hostname}`)) continue;
      for (const c of outbound(ctx, service, port, wanted)) if (!wanted || wanted.has(c.name ?? '')) out.push(c);
    }
  }
  if (!ctx.grpc) {
    const extra = [buildBlackHoleCluster(ctx)];
    if (ctx.sidecar) extra.push(buildPassthroughCluster(ctx), buildInboundPassthroughCluster(ctx), ...buildInboundClusters(ctx));
    for (const cluster of extra) if (!wanted || wanted.has(cluster.name ?? '')) out.push(special(cluster));
  }
  return out;
}

/** `port|host` of every outbound cluster name in `names`. */
function servicePortsNamed(names: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const key = parseClusterName(name);
    if (key?.direction === 'outbound') out.add(`${key.port}|${key.host}`);
  }
  return out;
}
