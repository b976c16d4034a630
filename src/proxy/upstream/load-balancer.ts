// The load balancer contract and its registry: one factory per Envoy LB policy.
import type { ClusterConfig, LbPolicy } from '../config/cluster.js';
import type { Host } from './host.js';
import type { HostSet } from './host-set.js';
import { createLeastRequestLoadBalancer } from './lb-least-request.js';
import { createMaglevLoadBalancer } from './lb-maglev.js';
import { createRandomLoadBalancer } from './lb-random.js';
import { createRingHashLoadBalancer } from './lb-ring-hash.js';
import { createRoundRobinLoadBalancer } from './lb-round-robin.js';

/** What a pick may depend on. One object per request; the router may reuse it across attempts. */
export interface LbContext {
  /** The request hash from the route's hash policies (`computeRequestHash`), a safe integer. */
  hash?: number;
  /**
   * Hosts tried by earlier attempts. Retries prefer other hosts, but fall back to these when no
   * other host is healthy.
   */
  avoid?: ReadonlySet<Host>;
}

/** Picks an upstream host for a request. */
export interface LoadBalancer {
  /** A healthy host, or undefined when the cluster has none (the router answers 503 UH). */
  pick(context: LbContext): Host | undefined;
}

/** The cluster settings a load balancer reads. */
export type LbConfig = Pick<ClusterConfig, 'ringHash' | 'maglev' | 'leastRequestChoiceCount'>;

/** Builds one policy's load balancer over a host set; `random` returns values in [0, 1). */
export type LoadBalancerFactory = (hostSet: HostSet, config: LbConfig, random: () => number) => LoadBalancer;

const registry = new Map<LbPolicy, LoadBalancerFactory>([
  ['ROUND_ROBIN', createRoundRobinLoadBalancer],
  ['LEAST_REQUEST', createLeastRequestLoadBalancer],
  ['RANDOM', createRandomLoadBalancer],
  ['RING_HASH', createRingHashLoadBalancer],
  ['MAGLEV', createMaglevLoadBalancer],
]);

/** The policies that have a load balancer; `CLUSTER_PROVIDED` (ORIGINAL_DST) has none. */
export const LB_POLICIES: readonly LbPolicy[] = [...registry.keys()];

/**
 * Creates the load balancer for `policy` over `hostSet`. Returns undefined for `CLUSTER_PROVIDED`:
 * an ORIGINAL_DST cluster connects to the request's original destination instead of picking.
 * The load balancer follows health changes (`hostSet.refresh()`); an EDS update makes a new host
 * set, and with it a new load balancer.
 */
export function createLoadBalancer(
  policy: LbPolicy,
  hostSet: HostSet,
  config: LbConfig,
  random: () => number,
): LoadBalancer | undefined {
  const factory = registry.get(policy);
  return factory ? factory(hostSet, config, random) : undefined;
}
