// Istio's push queue: connections waiting for a push, first in first out, each at most once.
// A push queued for a connection that is still waiting merges with the one already there.
// The queue yields to the event loop between batches, so ACKs are read while a big push runs.
import { mergePushRequests, type PushRequest } from './push-request.js';
import type { Timers } from './timers.js';

/** How the queue pushes one connection, and on what clock it yields. */
export interface PushQueueOptions<C> {
  readonly timers: Timers;
  /** Pushes one connection; exceptions are caught and given to `onError`. */
  readonly process: (connection: C, request: PushRequest) => void;
  readonly onError: (connection: C, err: unknown) => void;
  /** Connections pushed per turn of the event loop. Default 8. */
  readonly batchSize?: number;
}

/** The queue of connections waiting for a push. */
export interface PushQueue<C> {
  enqueue(connection: C, request: PushRequest): void;
  /** Forgets a connection that went away. */
  remove(connection: C): void;
  /** Connections waiting. */
  pending(): number;
  /** Resolves once no connection is waiting. */
  idle(): Promise<void>;
  stop(): void;
}

/** Creates an empty push queue. */
export function createPushQueue<C>(opts: PushQueueOptions<C>): PushQueue<C> {
  const batchSize = opts.batchSize ?? 8;
  const waiting = new Map<C, PushRequest>();
  let scheduled = false;
  let stopped = false;
  let idleWaiters: Array<() => void> = [];

  function settleIdle(): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function schedule(): void {
    if (scheduled || stopped) return;
    scheduled = true;
    opts.timers.defer(drain);
  }

  function drain(): void {
    scheduled = false;
    if (stopped) return;
    for (let n = 0; n < batchSize; n++) {
      const next = waiting.entries().next();
      if (next.done) break;
      const [connection, request] = next.value;
      waiting.delete(connection);
      try {
        opts.process(connection, request);
      } catch (err) {
        opts.onError(connection, err);
      }
    }
    if (waiting.size > 0) schedule();
    else settleIdle();
  }

  return {
    enqueue(connection, request) {
      if (stopped) return;
      const queued = waiting.get(connection);
      waiting.set(connection, queued ? mergePushRequests(queued, request) : request);
      schedule();
    },
    remove(connection) {
      waiting.delete(connection);
      if (waiting.size === 0) settleIdle();
    },
    pending: () => waiting.size,
    idle: () => (waiting.size === 0 && !scheduled ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    stop() {
      stopped = true;
      waiting.clear();
      settleIdle();
    },
  };
}
