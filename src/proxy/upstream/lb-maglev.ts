// MAGLEV: Google's Maglev lookup table (prime size, weighted permutation filling), one lookup per pick.
import type { Host } from './host.js';
import type { HostSet, PriorityHosts } from './host-set.js';
import { hashString } from './hash.js';
import type { LbConfig, LbContext, LoadBalancer } from './load-balancer.js';

/** Envoy's default Maglev table size (a prime). */
export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;

const TWO_53 = 2 ** 53;
const PRIORITY_MODULUS = 1_000_003;
const OFFSET_SEED = 0x2545f491;
const SKIP_SEED = 0x6c8e9cf5;

/** A filled table: `entries[i]` indexes `hosts`. */
export interface MaglevTable {
  readonly version: number;
  readonly entries: Uint32Array;
  readonly hosts: readonly Host[];
}

/**
 * Fills a table of `size` (prime) entries. Each host walks its own permutation (offset, skip) and
 * claims the next free slot on its turns; a host takes turns in proportion to weight / max weight.
 */
export function buildMaglevTable(hosts: readonly Host[], size: number, version: number): MaglevTable {
  const n = hosts.length;
  const offset = new Float64Array(n);
  const skip = new Float64Array(n);
  const normalized = new Float64Array(n);
  const claimed = new Float64Array(n);
  const nextInPermutation = new Float64Array(n);
  let maxWeight = 0;
  for (const h of hosts) maxWeight = Math.max(maxWeight, h.weight);
  for (let i = 0; i < n; i++) {
    const h = hosts[i]!;
    offset[i] = hashString(h.key, OFFSET_SEED) % size;
    skip[i] = (hashString(h.key, SKIP_SEED) % (size - 1)) + 1;
    normalized[i] = h.weight / maxWeight;
  }
  const entries = new Uint32Array(size);
  const taken = new Uint8Array(size);
  let filled = 0;
  for (let round = 1; filled < size; round++) {
    for (let i = 0; i < n && filled < size; i++) {
      if (normalized[i]! * round < claimed[i]!) continue;
      claimed[i] = claimed[i]! + 1;
      let slot: number;
      do {
        slot = (offset[i]! + skip[i]! * nextInPermutation[i]!) % size;
        nextInPermutation[i] = nextInPermutation[i]! + 1;
      } while (taken[slot] === 1);
      taken[slot] = 1;
      entries[slot] = i;
      filled++;
    }
  }
  return { version, entries, hosts };
}

class MaglevLoadBalancer implements LoadBalancer {
  private readonly tables = new Map<PriorityHosts, MaglevTable>();

  constructor(
    private readonly hostSet: HostSet,
    private readonly random: () => number,
    private readonly size: number,
  ) {}

  pick(context: LbContext): Host | undefined {
    const hash = context.hash ?? Math.floor(this.random() * TWO_53);
    const priority = this.hostSet.choosePriority((hash % PRIORITY_MODULUS) / PRIORITY_MODULUS);
    if (!priority) return undefined;
    let table = this.tables.get(priority);
    if (!table || table.version !== this.hostSet.version) {
      table = buildMaglevTable(priority.healthy, this.size, this.hostSet.version);
      this.tables.set(priority, table);
    }
    const index = hash % this.size;
    const host = table.hosts[table.entries[index]!]!;
    const avoid = context.avoid;
    if (!avoid || !avoid.has(host) || table.hosts.every((h) => avoid.has(h))) return host;
    // Probe the following slots: deterministic for a given hash, and spread by the table's mixing.
    for (let i = 1; i < this.size; i++) {
      const next = table.hosts[table.entries[(index + i) % this.size]!]!;
      if (!avoid.has(next)) return next;
    }
    return host;
  }
}

/** Creates a Maglev load balancer; the table size defaults to 65537 and should be prime. */
export function createMaglevLoadBalancer(hostSet: HostSet, config: LbConfig, random: () => number): LoadBalancer {
  return new MaglevLoadBalancer(hostSet, random, config.maglev?.tableSize || DEFAULT_MAGLEV_TABLE_SIZE);
}
