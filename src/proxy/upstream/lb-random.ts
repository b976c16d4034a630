// RANDOM: a uniformly random healthy host, or proportional to weight when weights differ.
import type { Host } from './host.js';
import type { HostSet } from './host-set.js';
import { HostListLoadBalancer, uniformWeights } from './lb-host-list.js';
import type { LbConfig, LoadBalancer } from './load-balancer.js';

/** Cumulative weights of a list, for a binary search; undefined when weights are equal. */
type Cumulative = Float64Array | undefined;

class RandomLoadBalancer extends HostListLoadBalancer {
  private readonly tables = new WeakMap<readonly Host[], { cumulative: Cumulative }>();
  /** The last list and its state: the list object changes only on refresh, so this skips the WeakMap. */
  private lastHosts: readonly Host[] | undefined;
  private lastState: { cumulative: Cumulative } | undefined;

  protected pickFrom(hosts: readonly Host[]): Host {
    let t = hosts === this.lastHosts ? this.lastState : this.tables.get(hosts);
    if (!t) {
      t = { cumulative: uniformWeights(hosts) ? undefined : cumulativeWeights(hosts) };
      this.tables.set(hosts, t);
    }
    this.lastHosts = hosts;
    this.lastState = t;
    const cumulative = t.cumulative;
    if (!cumulative) return hosts[Math.floor(this.random() * hosts.length)]!;
    return hosts[searchCumulative(cumulative, this.random() * cumulative[cumulative.length - 1]!)]!;
  }
}

/** Running sums of the hosts' weights. */
export function cumulativeWeights(hosts: readonly Host[]): Float64Array {
  const out = new Float64Array(hosts.length);
  let sum = 0;
  for (let i = 0; i < hosts.length; i++) out[i] = sum += hosts[i]!.weight;
  return out;
}

/** The first index whose running sum exceeds `target` (target in [0, total)). */
export function searchCumulative(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Creates a random load balancer. */
export function createRandomLoadBalancer(hostSet: HostSet, _config: LbConfig, random: () => number): LoadBalancer {
  return new RandomLoadBalancer(hostSet, random);
}
