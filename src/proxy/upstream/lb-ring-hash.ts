// RING_HASH: Ketama-style consistent hashing; each host owns virtual nodes in proportion to its weight.
import type { Host } from './host.js';
import type { HostSet, PriorityHosts } from './host-set.js';
import { hashString } from './hash.js';
import type { LbConfig, LbContext, LoadBalancer } from './load-balancer.js';

/** Envoy's defaults for `ring_hash_lb_config`. */
export const DEFAULT_MINIMUM_RING_SIZE = 1024;
export const DEFAULT_MAXIMUM_RING_SIZE = 8 * 1024 * 1024;

const TWO_53 = 2 ** 53;
/** A prime modulus to turn a hash into a priority-choice value without favouring low bits. */
const PRIORITY_MODULUS = 1_000_003;

/** A sorted ring: `hashes[i]` belongs to `hosts[owners[i]]`. */
export interface Ring {
  readonly version: number;
  readonly hashes: Float64Array;
  readonly owners: Uint32Array;
  readonly hosts: readonly Host[];
}

/**
 * Builds a ring over `hosts`. Its size is scaled so that the lightest host gets at least one entry
 * per `min / minNormalizedWeight`, capped at `max`, as Envoy sizes it.
 */
export function buildRing(hosts: readonly Host[], min: number, max: number, version: number): Ring {
  const total = hosts.reduce((s, h) => s + h.weight, 0);
  let minNormalized = 1;
  for (const h of hosts) minNormalized = Math.min(minNormalized, h.weight / total);
  const lower = Math.min(min, max);
  const scale = Math.min(Math.ceil(minNormalized * lower) / minNormalized, max);
  const entries: { hash: number; owner: number }[] = [];
  let current = 0;
  let target = 0;
  for (let i = 0; i < hosts.length; i++) {
    const host = hosts[i]!;
    target += (scale * host.weight) / total;
    for (let n = 0; current < target; n++, current++) entries.push({ hash: hashString(`${host.key}_${n}`), owner: i });
  }
  entries.sort((a, b) => a.hash - b.hash || a.owner - b.owner);
  const hashes = new Float64Array(entries.length);
  const owners = new Uint32Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    hashes[i] = entries[i]!.hash;
    owners[i] = entries[i]!.owner;
  }
  return { version, hashes, owners, hosts };
}

/** The ring index owning `hash`: the first entry at or after it, wrapping around. */
export function ringIndex(hashes: Float64Array, hash: number): number {
  let lo = 0;
  let hi = hashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (hashes[mid]! < hash) lo = mid + 1;
    else hi = mid;
  }
  return lo === hashes.length ? 0 : lo;
}

class RingHashLoadBalancer implements LoadBalancer {
  private readonly rings = new Map<PriorityHosts, Ring>();

  constructor(
    private readonly hostSet: HostSet,
    private readonly random: () => number,
    private readonly minSize: number,
    private readonly maxSize: number,
  ) {}

  pick(context: LbContext): Host | undefined {
    // A request without a hash lands on a random point of the ring.
    const hash = context.hash ?? Math.floor(this.random() * TWO_53);
    const priority = this.hostSet.choosePriority((hash % PRIORITY_MODULUS) / PRIORITY_MODULUS);
    if (!priority) return undefined;
    let ring = this.rings.get(priority);
    if (!ring || ring.version !== this.hostSet.version) {
      ring = buildRing(priority.healthy, this.minSize, this.maxSize, this.hostSet.version);
      this.rings.set(priority, ring);
    }
    const index = ringIndex(ring.hashes, hash);
    const host = ring.hosts[ring.owners[index]!]!;
    const avoid = context.avoid;
    if (!avoid || !avoid.has(host) || ring.hosts.every((h) => avoid.has(h))) return host;
    // Walk clockwise to the next host not tried yet, as a retry would land on the next ring owner.
    for (let i = 1; i < ring.owners.length; i++) {
      const next = ring.hosts[ring.owners[(index + i) % ring.owners.length]!]!;
      if (!avoid.has(next)) return next;
    }
    return host;
  }
}

/** Creates a ring hash load balancer; ring sizes default to Envoy's 1024 and 8M. */
export function createRingHashLoadBalancer(hostSet: HostSet, config: LbConfig, random: () => number): LoadBalancer {
  const min = config.ringHash?.minimumRingSize || DEFAULT_MINIMUM_RING_SIZE;
  const max = config.ringHash?.maximumRingSize || DEFAULT_MAXIMUM_RING_SIZE;
  return new RingHashLoadBalancer(hostSet, random, min, max);
}
