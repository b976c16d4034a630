// LEAST_REQUEST: power of N choices by in-flight requests; weighted by weight / (active + 1) when weights differ.
import type { Host } from './host.js';
import type { HostSet } from './host-set.js';
import { HostListLoadBalancer, uniformWeights } from './lb-host-list.js';
import type { LbConfig, LoadBalancer } from './load-balancer.js';

interface ListState {
  uniform: boolean;
  /** Smooth weighted round robin state over the dynamic weights, for unequal weights. */
  current: Float64Array;
}

class LeastRequestLoadBalancer extends HostListLoadBalancer {
  private readonly states = new WeakMap<readonly Host[], ListState>();
  /** The last list and its state: the list object changes only on refresh, so this skips the WeakMap. */
  private lastHosts: readonly Host[] | undefined;
  private lastState: ListState | undefined;

  constructor(
    hostSet: HostSet,
    random: () => number,
    private readonly choiceCount: number,
  ) {
    super(hostSet, random);
  }

  protected pickFrom(hosts: readonly Host[]): Host {
    let s = hosts === this.lastHosts ? this.lastState : this.states.get(hosts);
    if (!s) {
      s = { uniform: uniformWeights(hosts), current: new Float64Array(hosts.length) };
      this.states.set(hosts, s);
    }
    this.lastHosts = hosts;
    this.lastState = s;
    return s.uniform ? this.pickOfChoices(hosts) : pickWeighted(hosts, s.current);
  }

  /** Envoy's P2C generalised: the least loaded of `choiceCount` random hosts. */
  private pickOfChoices(hosts: readonly Host[]): Host {
    let best = hosts[Math.floor(this.random() * hosts.length)]!;
    if (hosts.length === 1) return best;
    for (let i = 1; i < this.choiceCount; i++) {
      const candidate = hosts[Math.floor(this.random() * hosts.length)]!;
      if (candidate.activeRequests < best.activeRequests) best = candidate;
    }
    return best;
  }
}

/**
 * Weighted least request: a smooth weighted round robin whose weights are recomputed on every pick
 * as weight / (active + 1) (Envoy's active request bias of 1.0), so idle hosts get their share and
 * loaded hosts get less.
 */
function pickWeighted(hosts: readonly Host[], current: Float64Array): Host {
  let total = 0;
  let best = 0;
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i]!;
    const effective = h.weight / (h.activeRequests + 1);
    total += effective;
    current[i] = current[i]! + effective;
    if (current[i]! > current[best]!) best = i;
  }
  current[best] = current[best]! - total;
  return hosts[best]!;
}

/** Creates a least request load balancer; `leastRequestChoiceCount` defaults to 2. */
export function createLeastRequestLoadBalancer(hostSet: HostSet, config: LbConfig, random: () => number): LoadBalancer {
  const choices = config.leastRequestChoiceCount >= 2 ? Math.floor(config.leastRequestChoiceCount) : 2;
  return new LeastRequestLoadBalancer(hostSet, random, choices);
}
