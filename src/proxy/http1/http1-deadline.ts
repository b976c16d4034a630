// One connection's timeout (header, idle or keep-alive) as a deadline over a single timer: moving
// the deadline later costs a clock read, not a timer, so a busy connection sets no timer per request.
import type { Http1Timers } from './http1-timers.js';

/**
 * A re-armable deadline. `arm(ms)` replaces any earlier deadline; `clear` cancels it; `onExpire`
 * runs once the current deadline passes. With a clock (`timers.now`), the underlying timer stays
 * set across arms and re-arms itself for the rest when it fires before the deadline; a deadline
 * earlier than the pending timer sets a new timer. Without a clock, every arm sets a fresh timer.
 */
export class Http1Deadline {
  private handle: unknown;
  /** When the pending timer fires (clock ms); meaningful while `handle` is set. */
  private firesAt = 0;
  /** The deadline (clock ms), or -1 for none. */
  private deadline = -1;
  private readonly onTimer = (): void => this.fired();

  constructor(
    private readonly timers: Http1Timers,
    private readonly onExpire: () => void,
  ) {}

  /** Whether a deadline is set. */
  get armed(): boolean {
    return this.deadline >= 0;
  }

  /** Sets the deadline `ms` from now (ms > 0), replacing the previous one. */
  arm(ms: number): void {
    const now = this.timers.now;
    if (now === undefined) {
      this.cancelTimer();
      this.deadline = 0;
      this.handle = this.timers.setTimeout(this.onTimer, ms);
      return;
    }
    const deadline = now() + ms;
    this.deadline = deadline;
    if (this.handle !== undefined && this.firesAt <= deadline) return;
    this.cancelTimer();
    this.firesAt = deadline;
    this.handle = this.timers.setTimeout(this.onTimer, ms);
  }

  /** Cancels the deadline; a pending timer may stay set and then does nothing. */
  clear(): void {
    this.deadline = -1;
    if (this.timers.now === undefined) this.cancelTimer();
  }

  /** Cancels the deadline and its timer (the connection is gone). */
  dispose(): void {
    this.deadline = -1;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.handle !== undefined) {
      this.timers.clearTimeout(this.handle);
      this.handle = undefined;
    }
  }

  private fired(): void {
    this.handle = undefined;
    if (this.deadline < 0) return;
    const now = this.timers.now;
    if (now !== undefined) {
      // A timer may fire a little early by this clock, or long before a deadline moved later.
      const rest = this.deadline - now();
      if (rest >= 1) {
        this.firesAt = this.deadline;
        this.handle = this.timers.setTimeout(this.onTimer, rest);
        return;
      }
    }
    this.deadline = -1;
    this.onExpire();
  }
}
