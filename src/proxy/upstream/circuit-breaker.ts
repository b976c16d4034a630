// A cluster's circuit breakers: counters of connections, pending requests, requests and retries
// against the DestinationRule's connection-pool limits, with Envoy's overflow statistics.
import type { CircuitBreakerLimits } from '../config/cluster.js';

/** The resources a breaker guards. */
export type BreakerResource = 'connections' | 'pending' | 'requests' | 'retries';

/** Overflow counters as Envoy names them in `/stats` (`cluster.<name>.<counter>`). */
export interface BreakerOverflowStats {
  upstream_cx_overflow: number;
  upstream_rq_pending_overflow: number;
  upstream_rq_retry_overflow: number;
  /** Requests refused because `maxRequests` was reached (HTTP/2-style multiplexed limit). */
  upstream_rq_overflow: number;
}

/**
 * Per-cluster resource counters (Envoy's resource manager, default priority). How the data path
 * uses it:
 * - The router acquires `requests` for each attempt in flight (held from sending until the
 *   response ends or fails) and `retries` for each retry attempt while it runs.
 * - The connection pool acquires `connections` before opening a connection and releases it when
 *   the connection closes. When no connection can take the request (all busy, or at
 *   `maxRequestsPerConnection`) and `connections` is full, the request waits: the pool acquires
 *   `pending` for the wait and releases it when a connection is assigned or the wait ends.
 * - When `pending` (or `requests`) cannot be acquired, the router answers 503 with
 *   `x-envoy-overloaded: true` and response flag UO. A refused retry is not sent; the last
 *   response is returned instead.
 * Every successful `tryAcquire` must be matched by exactly one `release` of the same kind.
 */
export class CircuitBreaker {
  readonly overflow: BreakerOverflowStats = {
    upstream_cx_overflow: 0,
    upstream_rq_pending_overflow: 0,
    upstream_rq_retry_overflow: 0,
    upstream_rq_overflow: 0,
  };
  private connections = 0;
  private pending = 0;
  private requests = 0;
  private retries = 0;

  constructor(private readonly limits: CircuitBreakerLimits) {}

  /** Takes one unit of `kind` if below its limit; otherwise counts an overflow and returns false. */
  tryAcquire(kind: BreakerResource): boolean {
    switch (kind) {
      case 'connections':
        if (this.connections >= this.limits.maxConnections) return this.refuse('upstream_cx_overflow');
        this.connections++;
        return true;
      case 'pending':
        if (this.pending >= this.limits.maxPendingRequests) return this.refuse('upstream_rq_pending_overflow');
        this.pending++;
        return true;
      case 'requests':
        if (this.requests >= this.limits.maxRequests) return this.refuse('upstream_rq_overflow');
        this.requests++;
        return true;
      case 'retries':
        if (this.retries >= this.limits.maxRetries) return this.refuse('upstream_rq_retry_overflow');
        this.retries++;
        return true;
    }
  }

  /** Gives back one unit of `kind`. Releasing more than was acquired is a bug and throws. */
  release(kind: BreakerResource): void {
    if (this.inUse(kind) <= 0) throw new Error(`circuit breaker: release of ${kind} without acquire`);
    switch (kind) {
      case 'connections':
        this.connections--;
        break;
      case 'pending':
        this.pending--;
        break;
      case 'requests':
        this.requests--;
        break;
      case 'retries':
        this.retries--;
        break;
    }
  }

  /** Units of `kind` in use now (Envoy's `circuit_breakers.default.*` open gauges' inputs). */
  inUse(kind: BreakerResource): number {
    switch (kind) {
      case 'connections':
        return this.connections;
      case 'pending':
        return this.pending;
      case 'requests':
        return this.requests;
      case 'retries':
        return this.retries;
    }
  }

  /** Units of `kind` still available (Envoy's `remaining_*` gauges with `track_remaining`). */
  remaining(kind: BreakerResource): number {
    return Math.max(0, this.limit(kind) - this.inUse(kind));
  }

  /** Whether `kind` is at its limit (Envoy's `cx_open`, `rq_pending_open`, `rq_open`, `rq_retry_open`). */
  isOpen(kind: BreakerResource): boolean {
    return this.inUse(kind) >= this.limit(kind);
  }

  private limit(kind: BreakerResource): number {
    switch (kind) {
      case 'connections':
        return this.limits.maxConnections;
      case 'pending':
        return this.limits.maxPendingRequests;
      case 'requests':
        return this.limits.maxRequests;
      case 'retries':
        return this.limits.maxRetries;
    }
  }

  private refuse(counter: keyof BreakerOverflowStats): false {
    this.overflow[counter]++;
    return false;
  }
}

/** Creates the breaker for a cluster's limits (Istio's defaults are 2^32-1 for each). */
export function createCircuitBreaker(limits: CircuitBreakerLimits): CircuitBreaker {
  return new CircuitBreaker(limits);
}
