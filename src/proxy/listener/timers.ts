// Timers the listeners and the TCP proxy use, injected so that tests control time.

/** setTimeout/clearTimeout, as the data path uses them. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's timers; the handles are unref'd so a pending timeout never keeps the process up. */
export const SYSTEM_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
