// The explicit-mode proxy's answer for each destination it has seen (the listener's HTTP chain
// settings), kept while the listeners stay the same, so the listener search runs once per target.
import type { SocketAddress } from '../listener/connection-handler.js';

/** Destinations remembered at most; past it the cache starts over, since targets come from requests. */
export const MAX_CACHED_DESTINATIONS = 1024;

/** What the cache remembers answers of. */
export interface DestinationLookup<T> {
  /** Changes whenever an answer of `lookup` may change (the listener manager's generation). */
  generation(): number;
  lookup(destination: SocketAddress): T | undefined;
}

/**
 * Remembers `lookup`'s answer, found or not, per destination (port, then address) until
 * `generation()` changes; at most `max` destinations, after which it starts over.
 */
export class DestinationCache<T> {
  private byPort = new Map<number, Map<string, T | null>>();
  private size = 0;
  // Read on the first `get`, not here: the generation's owner may not exist yet.
  private seen = Number.NaN;

  constructor(
    private readonly source: DestinationLookup<T>,
    private readonly max: number = MAX_CACHED_DESTINATIONS,
  ) {}

  /** The answer for `destination`, from the cache while the generation holds. */
  get(destination: SocketAddress): T | undefined {
    const generation = this.source.generation();
    if (generation !== this.seen) {
      this.clear();
      this.seen = generation;
    }
    let byAddress = this.byPort.get(destination.port);
    const known = byAddress?.get(destination.address);
    // null marks a destination known to have no answer.
    if (known !== undefined) return known ?? undefined;
    const value = this.source.lookup(destination);
    if (this.size >= this.max) {
      this.clear();
      byAddress = undefined;
    }
    if (byAddress === undefined) this.byPort.set(destination.port, (byAddress = new Map()));
    byAddress.set(destination.address, value ?? null);
    this.size++;
    return value;
  }

  private clear(): void {
    this.byPort = new Map();
    this.size = 0;
  }
}
