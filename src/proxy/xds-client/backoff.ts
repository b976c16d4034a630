// Jittered exponential backoff for reconnecting to the control plane.
import type { BackoffOptions } from './xds-client-options.js';

/** Reconnect delays: each call to `next` doubles the ceiling (up to the max); `reset` after a good connection. */
export interface Backoff {
  next(): number;
  reset(): void;
}

/**
 * Creates a backoff whose n-th delay is `min(max, initial·2ⁿ)` less a random share of up to
 * `jitter` of it, so that many proxies do not reconnect in step.
 */
export function createBackoff(options: BackoffOptions, random: () => number): Backoff {
  let attempt = 0;
  return {
    next(): number {
      const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** attempt);
      if (ceiling < options.maxMs) attempt++;
      return Math.round(ceiling * (1 - options.jitter * random()));
    },
    reset(): void {
      attempt = 0;
    },
  };
}
