// The shared shape of the list-based policies (round robin, least request, random): choose a
// priority, then a locality by weight, then a host in it, honouring the retry avoid-set.
import type { Host } from './host.js';
import type { HostSet, PriorityHosts } from './host-set.js';
import type { LbContext, LoadBalancer } from './load-balancer.js';

/** How many times a list policy re-picks before scanning for a host outside the avoid-set. */
const AVOID_ATTEMPTS = 3;

/**
 * Base of the list policies. A subclass implements `pickFrom`, choosing among a non-empty list of
 * healthy hosts; the list object stays the same until the next `HostSet.refresh()`, so per-list
 * state can be keyed by it.
 */
export abstract class HostListLoadBalancer implements LoadBalancer {
  constructor(
    protected readonly hostSet: HostSet,
    protected readonly random: () => number,
  ) {}

  /** Chooses one of `hosts` (non-empty, all healthy). */
  protected abstract pickFrom(hosts: readonly Host[]): Host;

  pick(context: LbContext): Host | undefined {
    const priority = this.hostSet.choosePriority(this.random());
    if (!priority) return undefined;
    const first = this.pickOnce(priority);
    const avoid = context.avoid;
    if (!avoid || avoid.size === 0 || !avoid.has(first)) return first;
    for (let i = 1; i < AVOID_ATTEMPTS; i++) {
      const next = this.pickOnce(priority);
      if (!avoid.has(next)) return next;
    }
    return firstNotAvoided(priority.healthy, avoid, this.random) ?? first;
  }

  private pickOnce(priority: PriorityHosts): Host {
    if (!priority.localityWeighted) return this.pickFrom(priority.healthy);
    return this.pickFrom(priority.chooseLocality(this.random()).healthy);
  }
}

/** A host of `hosts` outside `avoid`, scanning from a random offset; undefined when all are avoided. */
export function firstNotAvoided(hosts: readonly Host[], avoid: ReadonlySet<Host>, random: () => number): Host | undefined {
  const n = hosts.length;
  const start = Math.floor(random() * n);
  for (let i = 0; i < n; i++) {
    const h = hosts[(start + i) % n]!;
    if (!avoid.has(h)) return h;
  }
  return undefined;
}

/** Whether every host of the list has the same weight (the policies then skip weighted scheduling). */
export function uniformWeights(hosts: readonly Host[]): boolean {
  for (let i = 1; i < hosts.length; i++) if (hosts[i]!.weight !== hosts[0]!.weight) return false;
  return true;
}
