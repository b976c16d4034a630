// ROUND_ROBIN: cycles through the healthy hosts; smooth weighted round robin when weights differ.
import type { Host } from './host.js';
import type { HostSet } from './host-set.js';
import { HostListLoadBalancer, uniformWeights } from './lb-host-list.js';
import type { LbConfig, LoadBalancer } from './load-balancer.js';

interface Schedule {
  next: number;
  /** Current weights of smooth weighted round robin; undefined when all weights are equal. */
  current: Float64Array | undefined;
  total: number;
}

class RoundRobinLoadBalancer extends HostListLoadBalancer {
  private readonly schedules = new WeakMap<readonly Host[], Schedule>();
  /** The last list and its state: the list object changes only on refresh, so this skips the WeakMap. */
  private lastHosts: readonly Host[] | undefined;
  private lastState: Schedule | undefined;

  protected pickFrom(hosts: readonly Host[]): Host {
    let s = hosts === this.lastHosts ? this.lastState : this.schedules.get(hosts);
    if (!s) {
      const weighted = !uniformWeights(hosts);
      s = {
        // Start at a random offset so that many proxies do not hit the same host first.
        next: Math.floor(this.random() * hosts.length),
        current: weighted ? new Float64Array(hosts.length) : undefined,
        total: hosts.reduce((sum, h) => sum + h.weight, 0),
      };
      this.schedules.set(hosts, s);
    }
    this.lastHosts = hosts;
    this.lastState = s;
    const current = s.current;
    if (!current) {
      const host = hosts[s.next % hosts.length]!;
      s.next = (s.next + 1) % hosts.length;
      return host;
    }
    // Smooth weighted round robin: every host gains its weight, the leader is picked and pays the total.
    let best = 0;
    for (let i = 0; i < hosts.length; i++) {
      current[i] = current[i]! + hosts[i]!.weight;
      if (current[i]! > current[best]!) best = i;
    }
    current[best] = current[best]! - s.total;
    return hosts[best]!;
  }
}

/** Creates a round robin load balancer: exact cycling with equal weights, proportional picks otherwise. */
export function createRoundRobinLoadBalancer(hostSet: HostSet, _config: LbConfig, random: () => number): LoadBalancer {
  return new RoundRobinLoadBalancer(hostSet, random);
}
