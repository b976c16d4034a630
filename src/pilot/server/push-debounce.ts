// Debouncing of change events, as Istio's: a push waits for a quiet period (100 ms by default),
// but never longer than a maximum (10 s) after the first change it holds. Changes merge.
import { mergeChanges, type PendingChange } from './push-request.js';
import type { TimerHandle, Timers } from './timers.js';

/** Debounce timing, the clock, and where merged changes go. */
export interface DebounceOptions {
  /** Quiet time after the last change before pushing (Istio's PILOT_DEBOUNCE_AFTER). */
  readonly debounceMs: number;
  /** Longest a change waits (Istio's PILOT_DEBOUNCE_MAX). */
  readonly maxDelayMs: number;
  readonly timers: Timers;
  /** Receives each merged change once it is due. */
  readonly fire: (change: PendingChange) => void;
}

/** Collects changes and fires them merged. */
export interface PushDebouncer {
  add(change: PendingChange): void;
  /** Fires what is pending now, without waiting. */
  flush(): void;
  /** How many changes the pending push merges (0 when none is pending). */
  pending(): number;
  /** Drops what is pending and stops the timer. */
  stop(): void;
}

/** Creates a debouncer; each change given to `add` reaches `fire` exactly once, merged with its neighbours. */
export function createPushDebouncer(opts: DebounceOptions): PushDebouncer {
  const { timers } = opts;
  let pending: PendingChange | undefined;
  let merged = 0;
  let firstAt = 0;
  let lastAt = 0;
  let timer: TimerHandle | undefined;

  function schedule(ms: number): void {
    timer = timers.setTimeout(onTimer, Math.max(0, ms));
  }

  function fireNow(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    const change = pending;
    pending = undefined;
    merged = 0;
    if (change) opts.fire(change);
  }

  function onTimer(): void {
    timer = undefined;
    const now = timers.now();
    const quiet = now - lastAt;
    const waited = now - firstAt;
    if (quiet >= opts.debounceMs || waited >= opts.maxDelayMs) fireNow();
    else schedule(Math.min(opts.debounceMs - quiet, opts.maxDelayMs - waited));
  }

  return {
    add(change) {
      const now = timers.now();
      if (pending) pending = mergeChanges(pending, change);
      else {
        pending = change;
        firstAt = now;
      }
      merged++;
      lastAt = now;
      if (timer === undefined) schedule(opts.debounceMs);
    },
    flush: fireNow,
    pending: () => merged,
    stop() {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      merged = 0;
    },
  };
}
