// A cluster's hosts grouped by priority and locality, with the healthy subsets the load balancers use.
import type { LoadAssignment, Locality } from '../config/endpoint.js';
import { Host, hostKey } from './host.js';

/** Envoy's default overprovisioning factor: a priority or locality at 1/1.4 health still takes full load. */
export const OVERPROVISIONING_FACTOR = 1.4;

/** The hosts of one locality within one priority. */
export class LocalityHosts {
  /** Healthy hosts, recomputed by `HostSet.refresh()`. */
  healthy: Host[] = [];
  /** Locality weight scaled by its health (Envoy's effective locality weight). */
  effectiveWeight = 0;

  constructor(
    readonly locality: Locality,
    readonly weight: number,
    readonly hosts: Host[],
  ) {}
}

/** The hosts of one priority level. */
export class PriorityHosts {
  /** Healthy hosts of every locality, recomputed by `HostSet.refresh()`. */
  healthy: Host[] = [];
  /** Localities that have healthy hosts, with their effective weights. */
  healthyLocalities: LocalityHosts[] = [];
  /** Whether a locality is chosen by weight before a host (all localities carry weights, more than one). */
  localityWeighted = false;
  private localityWeightSum = 0;

  constructor(
    readonly priority: number,
    readonly localities: LocalityHosts[],
    readonly hosts: Host[],
  ) {}

  /**
   * The locality for a value in [0, 1), chosen by effective weight. Call only when
   * `localityWeighted` is true and `healthy` is non-empty.
   */
  chooseLocality(value: number): LocalityHosts {
    const list = this.healthyLocalities;
    let target = value * this.localityWeightSum;
    for (let i = 0; i < list.length - 1; i++) {
      target -= list[i]!.effectiveWeight;
      if (target < 0) return list[i]!;
    }
    return list[list.length - 1]!;
  }

  /** Recomputes the healthy subsets; returns this priority's health percentage (0..100). */
  refresh(): number {
    this.healthy = this.hosts.filter((h) => h.isHealthy());
    let weighted = this.localities.length > 1;
    const healthyLocalities: LocalityHosts[] = [];
    let sum = 0;
    for (const l of this.localities) {
      if (l.weight <= 0) weighted = false;
      l.healthy = l.hosts.filter((h) => h.isHealthy());
      const ratio = l.hosts.length === 0 ? 0 : (OVERPROVISIONING_FACTOR * l.healthy.length) / l.hosts.length;
      l.effectiveWeight = l.weight * Math.min(1, ratio);
      if (l.healthy.length > 0 && l.effectiveWeight > 0) {
        healthyLocalities.push(l);
        sum += l.effectiveWeight;
      }
    }
    this.healthyLocalities = healthyLocalities;
    this.localityWeightSum = sum;
    this.localityWeighted = weighted && sum > 0;
    if (this.hosts.length === 0) return 0;
    return Math.min(100, Math.round((OVERPROVISIONING_FACTOR * 100 * this.healthy.length) / this.hosts.length));
  }
}

/**
 * A cluster's hosts. `version` changes whenever the healthy sets change, so load balancers can
 * rebuild their tables lazily with one integer comparison per pick.
 */
export class HostSet {
  /** Every host, in EDS order. */
  readonly hosts: readonly Host[];
  /** Priority levels, lowest number (most preferred) first. */
  readonly priorities: readonly PriorityHosts[];
  /** Bumped by every `refresh()`. */
  version = 0;
  /** Percentage of traffic per priority level (Envoy's priority load), summing to 100 or all 0. */
  private priorityLoad: number[] = [];
  private readonly byKey: ReadonlyMap<string, Host>;

  constructor(priorities: PriorityHosts[], hosts: Host[]) {
    this.priorities = priorities;
    this.hosts = hosts;
    this.byKey = new Map(hosts.map((h) => [h.key, h]));
    this.refresh();
  }

  /** The host with this `address:port`, if present. */
  get(key: string): Host | undefined {
    return this.byKey.get(key);
  }

  /** Whether some host can take traffic. */
  hasHealthyHosts(): boolean {
    return this.priorityLoad.length > 0;
  }

  /**
   * The priority level for a value in [0, 1): the lowest priority takes everything while healthy
   * enough, and load spills to the next priorities as it degrades (overprovisioning factor 1.4).
   * Undefined when no host is healthy (Istio sets no panic threshold).
   */
  choosePriority(value: number): PriorityHosts | undefined {
    const load = this.priorityLoad;
    if (load.length === 0) return undefined;
    if (load.length === 1) return this.priorities[0];
    let target = value * 100;
    for (let i = 0; i < load.length; i++) {
      target -= load[i]!;
      if (target < 0 && load[i]! > 0) return this.priorities[i];
    }
    for (let i = load.length - 1; i >= 0; i--) if (load[i]! > 0) return this.priorities[i];
    return undefined;
  }

  /** Recomputes healthy sets and priority load after any health change; bumps `version`. */
  refresh(): void {
    const health = this.priorities.map((p) => p.refresh());
    const total = Math.min(100, health.reduce((a, b) => a + b, 0));
    this.version++;
    if (total === 0) {
      this.priorityLoad = [];
      return;
    }
    // Keep the common case (first priority fully healthy) to a one-element table.
    if (health[0] === 100) {
      this.priorityLoad = [100];
      return;
    }
    const load: number[] = [];
    let remaining = 100;
    for (const h of health) {
      const share = Math.min(remaining, Math.floor((h * 100) / total));
      load.push(share);
      remaining -= share;
    }
    if (remaining > 0) {
      const first = load.findIndex((_, i) => health[i]! > 0);
      load[first] = load[first]! + remaining;
    }
    this.priorityLoad = load;
  }
}

/**
 * Builds the host set of an assignment. Hosts still present in `previous` (same `address:port`)
 * are reused, keeping their outlier, health-check and in-flight state; their EDS fields are updated.
 */
export function createHostSet(assignment: LoadAssignment, previous?: HostSet): HostSet {
  const byPriority = new Map<number, { localities: LocalityHosts[]; hosts: Host[] }>();
  const all: Host[] = [];
  const seen = new Set<string>();
  for (const le of assignment.localities) {
    let level = byPriority.get(le.priority);
    if (!level) {
      level = { localities: [], hosts: [] };
      byPriority.set(le.priority, level);
    }
    const hosts: Host[] = [];
    for (const ep of le.endpoints) {
      const key = hostKey(ep.address, ep.port);
      if (seen.has(key)) continue; // an endpoint listed twice is one host
      seen.add(key);
      let host = previous?.get(key);
      if (host) host.update(ep, le.locality, le.priority);
      else host = new Host(ep, le.locality, le.priority);
      hosts.push(host);
      level.hosts.push(host);
      all.push(host);
    }
    level.localities.push(new LocalityHosts(le.locality, le.weight, hosts));
  }
  const priorities = [...byPriority.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([p, level]) => new PriorityHosts(p, level.localities, level.hosts));
  return new HostSet(priorities, all);
}
