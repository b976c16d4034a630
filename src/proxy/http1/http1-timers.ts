// The timer functions the HTTP/1.1 codec uses, injectable so that timeout tests don't sleep.

/** setTimeout/clearTimeout, or a test's fake; `now` (ms, monotonic) lets a connection keep one lazily re-armed timer. */
export interface Http1Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** A monotonic clock in ms. Without it, every re-arm clears and sets a timer. */
  now?(): number;
}

/** The real timers; codec timers never keep the process alive on their own. */
export const SYSTEM_TIMERS: Http1Timers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  now: () => performance.now(),
};
