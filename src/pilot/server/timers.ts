// The clock and timers the push machinery runs on, injectable so tests never sleep.

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** A clock with timers, and a way to yield to the event loop between units of work. */
export interface Timers {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Runs `fn` after pending I/O (ACKs arriving, say) has had a turn. */
  defer(fn: () => void): void;
}

/** The process's own clock and timers. */
export const SYSTEM_TIMERS: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  defer: (fn) => void setImmediate(fn),
};
