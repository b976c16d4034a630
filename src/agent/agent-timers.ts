// The wall clock, timers and randomness the agent runs on, injected so that tests never sleep.

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** A wall clock (certificates are valid between wall-clock dates) with timers. */
export interface AgentTimers {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A source of uniform numbers in [0, 1), for jitter. */
export type Random = () => number;

/** The process's clock and timers; handles are unref'd so a pending rotation never keeps the process up. */
export const SYSTEM_AGENT_TIMERS: AgentTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The longest delay a Node timer takes; longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Calls `fn` at wall-clock time `at` (ms since the epoch), however far away: a delay past
 * {@link MAX_TIMER_MS} is waited out in steps. Returns a function that cancels it.
 */
export function scheduleAt(timers: AgentTimers, at: number, fn: () => void): () => void {
  let handle: TimerHandle;
  let cancelled = false;
  const arm = (): void => {
    const delay = Math.max(0, at - timers.now());
    if (delay <= MAX_TIMER_MS) {
      handle = timers.setTimeout(() => {
        if (!cancelled) fn();
      }, delay);
      return;
    }
    handle = timers.setTimeout(() => {
      if (!cancelled) arm();
    }, MAX_TIMER_MS);
  };
  arm();
  return () => {
    cancelled = true;
    timers.clearTimeout(handle);
  };
}
