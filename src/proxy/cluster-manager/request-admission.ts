// Circuit breaking at request admission, as Envoy's connection pools do it: a request needs a
// request slot, and on HTTP/1.1 a free connection (one request per connection) or, failing that, a
// pending slot to wait in. Anything beyond overflows: 503 with x-envoy-overloaded, flag UO.
import type { CircuitBreakerLimits } from '../config/index.js';
import type { Admission } from '../hcm/ports.js';
import type { CircuitBreaker } from '../upstream/circuit-breaker.js';

const REFUSED: Admission = { admitted: false };

/** Admits requests into one cluster under its breaker limits. */
export class RequestAdmission {
  /** HTTP/1.1 requests holding a connection now. */
  private busyConnections = 0;
  /** Requests waiting for a connection, each with the grant that admits it. */
  private readonly waiting: { readonly done: (admission: Admission) => void; readonly grant: () => Admission }[] = [];

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
    const grant = (): Admission => {
      if (this.connectionPerRequest()) this.busyConnections++;
      let released = false;
      return {
        admitted: true,
        release: () => {
          if (released) return;
          released = true;
          this.breaker.release('requests');
          if (retry) this.breaker.release('retries');
          if (this.connectionPerRequest()) this.busyConnections--;
          this.wakeOne();
        },
      };
    };
    if (!this.connectionPerRequest() || this.busyConnections < this.limits.maxConnections) {
      done(grant());
      return;
    }
    if (!this.breaker.tryAcquire('pending')) {
      this.breaker.release('requests');
      if (retry) this.breaker.release('retries');
      done(REFUSED);
      return;
    }
    // The waiter keeps its request slot while it waits; wakeOne grants it a connection.
    this.waiting.push({ done, grant });
  }

  private wakeOne(): void {
    if (this.busyConnections >= this.limits.maxConnections) return;
    const waiter = this.waiting.shift();
    if (!waiter) return;
    this.breaker.release('pending');
    waiter.done(waiter.grant());
  }
}
