// The clusters that stand for no service: BlackHoleCluster (drops traffic),
// PassthroughCluster (to the original destination) and InboundPassthroughCluster.
import { isIPv4 } from 'node:net';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, PASSTHROUGH_CLUSTER } from '../../../xds/index.js';
import { durationFromMs } from '../shared/duration.js';
import type { Proxy } from '../../model/proxy.js';
import type { ClusterContext } from './cluster-context.js';
import { finishCluster, setUseDownstreamProtocol, httpOptionsOf, type ClusterDraft } from './cluster-draft.js';

/** Idle timeout of passthrough connections (Istio's, 5 minutes). */
export const PASSTHROUGH_IDLE_TIMEOUT_MS = 300_000;

/** The source address of inbound passthrough connections, so that capture rules let them by. */
export const INBOUND_PASSTHROUGH_BIND_V4 = '127.0.0.6';
export const INBOUND_PASSTHROUGH_BIND_V6 = '::6';

/** BlackHoleCluster: STATIC with no endpoints, so whatever is routed to it fails. */
export function buildBlackHoleCluster(ctx: ClusterContext): Cluster {
  return { name: BLACKHOLE_CLUSTER, type: 'STATIC', connect_timeout: ctx.connectTimeout, lb_policy: 'ROUND_ROBIN' };
}

/** PassthroughCluster: ORIGINAL_DST, for traffic to destinations outside the registry (ALLOW_ANY). */
export function buildPassthroughCluster(ctx: ClusterContext): Cluster {
  return passthrough(PASSTHROUGH_CLUSTER, ctx);
}

/**
 * InboundPassthroughCluster: ORIGINAL_DST for inbound traffic to ports the workload did not
 * declare, sent from 127.0.0.6 (::6 for an IPv6-only proxy) so the capture rules do not loop it.
 */
export function buildInboundPassthroughCluster(ctx: ClusterContext): Cluster {
  const cluster = passthrough(INBOUND_PASSTHROUGH_CLUSTER, ctx);
  cluster.upstream_bind_config = inboundBindConfig(ctx.proxy);
  return cluster;
}

/** The source address of inbound forwards, which the capture rules let pass: 127.0.0.6, or ::6 for an IPv6-only proxy. */
export function inboundBindConfig(proxy: Proxy): NonNullable<Cluster['upstream_bind_config']> {
  const v4 = proxy.ipAddresses.length === 0 || proxy.ipAddresses.some((a) => isIPv4(a));
  return { source_address: { address: v4 ? INBOUND_PASSTHROUGH_BIND_V4 : INBOUND_PASSTHROUGH_BIND_V6, port_value: 0 } };
}

function passthrough(name: string, ctx: ClusterContext): Cluster {
  const draft: ClusterDraft = { cluster: { name, type: 'ORIGINAL_DST', connect_timeout: ctx.connectTimeout, lb_policy: 'CLUSTER_PROVIDED' } };
  setUseDownstreamProtocol(draft);
  httpOptionsOf(draft).common_http_protocol_options = { idle_timeout: durationFromMs(PASSTHROUGH_IDLE_TIMEOUT_MS) };
  return finishCluster(draft);
}
