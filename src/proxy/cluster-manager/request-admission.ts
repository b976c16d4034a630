// Circuit breaking at request admission, as Envoy's connection pools do it: a request needs a
// request slot, and on HTTP/1.1 a free connection (one request per connection) or, failing that, a
// pending slot to wait in. Anything beyond overflows: 503 with x-envoy-overloaded, flag UO.
import type { CircuitBreakerLimits } from '../config/index.js';
import type { Admission } from '../hcm/ports.js';
import type { CircuitBreaker } from '../upstream/circuit-breaker.js';

const REFUSED: Admission = { admitted: false };

/** One admitted request's slots: `release` gives them back, once. */
class Grant {
  readonly admitted = true;
  private released = false;

  constructor(
    private readonly owner: RequestAdmission,
    private readonly retry: boolean,
    private readonly holdsConnection: boolean,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.releaseGrant(this.retry, this.holdsConnection);
  }
}

/** A request waiting for a connection, with its request slot already taken. */
interface Waiter {
  readonly done: (admission: Admission) => void;
  readonly retry: boolean;
}

/** Admits requests into one cluster under its breaker limits. */
export class RequestAdmission {
  /** HTTP/1.1 requests holding a connection now. */
  private busyConnections = 0;
  /** Requests waiting for a connection, in arrival order. */
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly breaker: CircuitBreaker,
    private readonly limits: CircuitBreakerLimits,
    /** Whether requests hold a whole connection (HTTP/1.1) rather than a stream (HTTP/2). */
    private readonly connectionPerRequest: () => boolean,
  ) {}

  /** Requests waiting for a connection. */
  get pending(): number {
    return this.waiting.length;
  }

  admit(retry: boolean, done: (admission: Admission) => void): void {
    if (retry && !this.breaker.tryAcquire('retries')) {
      done(REFUSED);
      return;
    }
    if (!this.breaker.tryAcquire('requests')) {
      if (retry) this.breaker.release('retries');
      done(REFUSED);
      return;
    }
    if (!this.connectionPerRequest() || this.busyConnections < this.limits.maxConnections) {
      done(this.grant(retry));
      return;
    }
    if (!this.breaker.tryAcquire('pending')) {
      this.breaker.release('requests');
      if (retry) this.breaker.release('retries');
      done(REFUSED);
      return;
    }
    // The waiter keeps its request slot while it waits; wakeOne grants it a connection.
    this.waiting.push({ done, retry });
  }

  /** @internal A grant's slots come back. */
  releaseGrant(retry: boolean, holdsConnection: boolean): void {
    this.breaker.release('requests');
    if (retry) this.breaker.release('retries');
    if (holdsConnection) this.busyConnections--;
    this.wakeOne();
  }

  private grant(retry: boolean): Grant {
    // Whether the request holds a connection is decided now, so a protocol change in between
    // cannot unbalance the count.
    const holdsConnection = this.connectionPerRequest();
    if (holdsConnection) this.busyConnections++;
    return new Grant(this, retry, holdsConnection);
  }

  private wakeOne(): void {
    if (this.busyConnections >= this.limits.maxConnections) return;
    const waiter = this.waiting.shift();
    if (!waiter) return;
    this.breaker.release('pending');
    waiter.done(this.grant(waiter.retry));
  }
}
