// The timers the HTTP/2 codec runs on (connect and idle timeouts), injectable so tests don't sleep.

/** Timers, injected so that timeout tests don't sleep. Structurally a subset of the hcm's Clock. */
export interface Http2Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's own timers. */
export const SYSTEM_TIMERS: Http2Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
