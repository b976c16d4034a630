// DestinationRule loadBalancer → the cluster's lb_policy and lb_config, as Istio's
// applyLoadBalancer does, and the subset of it that grpc-js-xds accepts for proxyless clients.
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { LoadBalancerSettings } from '../../../api/index.js';
import { parseDurationText } from '../shared/duration.js';

/** Envoy's (and Istio's) default minimum ring size. */
export const DEFAULT_MINIMUM_RING_SIZE = 1024;

/**
 * Sets `cluster`'s load balancer for an Envoy-style proxy. LEAST_REQUEST is the default;
 * PASSTHROUGH turns the cluster into ORIGINAL_DST; consistentHash selects RING_HASH or MAGLEV
 * (the hash key itself goes on routes: see hashPolicyFor). ORIGINAL_DST clusters always get
 * CLUSTER_PROVIDED.
 */
export function applyLoadBalancer(cluster: Cluster, lb: LoadBalancerSettings | undefined): void {
  clearLbConfig(cluster);
  if (cluster.type === 'ORIGINAL_DST') {
    cluster.lb_policy = 'CLUSTER_PROVIDED';
    return;
  }
  const slowStart = parseDurationText(lb?.warmup?.duration ?? lb?.warmupDurationSecs);
  switch (lb?.simple) {
    case 'RANDOM':
      cluster.lb_policy = 'RANDOM';
      break;
    case 'ROUND_ROBIN':
      cluster.lb_policy = 'ROUND_ROBIN';
      if (slowStart) cluster.round_robin_lb_config = { slow_start_config: { slow_start_window: slowStart } };
      break;
    case 'PASSTHROUGH':
      cluster.lb_policy = 'CLUSTER_PROVIDED';
      cluster.type = 'ORIGINAL_DST';
      delete cluster.load_assignment;
      delete cluster.eds_cluster_config;
      return;
    default: // LEAST_REQUEST, LEAST_CONN (its old name) and unset
      cluster.lb_policy = 'LEAST_REQUEST';
      if (slowStart) cluster.least_request_lb_config = { slow_start_config: { slow_start_window: slowStart } };
  }
  const hash = lb?.consistentHash;
  if (!hash) return;
  clearLbConfig(cluster);
  if (hash.maglev) {
    cluster.lb_policy = 'MAGLEV';
    if (hash.maglev.tableSize) cluster.maglev_lb_config = { table_size: { value: hash.maglev.tableSize } };
  } else if (hash.ringHash) {
    cluster.lb_policy = 'RING_HASH';
    if (hash.ringHash.minimumRingSize) cluster.ring_hash_lb_config = { minimum_ring_size: { value: hash.ringHash.minimumRingSize } };
  } else {
    cluster.lb_policy = 'RING_HASH';
    cluster.ring_hash_lb_config = { minimum_ring_size: { value: hash.minimumRingSize || DEFAULT_MINIMUM_RING_SIZE } };
  }
}

/**
 * Sets `cluster`'s load balancer for a proxyless gRPC client. grpc-js-xds accepts only
 * ROUND_ROBIN and RING_HASH in `lb_policy` (it NACKs LEAST_REQUEST, RANDOM and MAGLEV), so every
 * simple policy becomes ROUND_ROBIN and every consistentHash, maglev included, RING_HASH.
 */
export function applyGrpcLoadBalancer(cluster: Cluster, lb: LoadBalancerSettings | undefined): void {
  clearLbConfig(cluster);
  const hash = lb?.consistentHash;
  if (!hash) {
    cluster.lb_policy = 'ROUND_ROBIN';
    return;
  }
  cluster.lb_policy = 'RING_HASH';
  const minimum = hash.ringHash?.minimumRingSize || hash.minimumRingSize;
  cluster.ring_hash_lb_config = minimum ? { minimum_ring_size: { value: minimum }, hash_function: 'XX_HASH' } : { hash_function: 'XX_HASH' };
}

function clearLbConfig(cluster: Cluster): void {
  delete cluster.ring_hash_lb_config;
  delete cluster.maglev_lb_config;
  delete cluster.least_request_lb_config;
  delete cluster.round_robin_lb_config;
  delete cluster.original_dst_lb_config;
}
