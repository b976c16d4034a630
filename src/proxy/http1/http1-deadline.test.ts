import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Http1Deadline } from './http1-deadline.js';
import type { Http1Timers } from './http1-timers.js';

/** Fake timers with a clock the test moves; `advance` fires what is due, in order. */
function fakeTimers(withClock = true): Http1Timers & { set: number; cleared: number; pending(): number; advance(ms: number): void } {
  let now = 0;
  let id = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const fake = {
    set: 0,
    cleared: 0,
    setTimeout(fn: () => void, ms: number): unknown {
      fake.set++;
      timers.set(++id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle: unknown): void {
      if (timers.delete(handle as number)) fake.cleared++;
    },
    pending: () => timers.size,
    advance(ms: number): void {
      const until = now + ms;
      for (let guard = 0; guard < 1000; guard++) {
        const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
    ...(withClock ? { now: () => now } : {}),
  };
  return fake;
}

describe('Http1Deadline', () => {
  it('Should expire once the deadline passes and not before', () => {
    const timers = fakeTimers();
    let expired = 0;
    const d = new Http1Deadline(timers, () => expired++);
    d.arm(100);
    timers.advance(99);
    assert.equal(expired, 0);
    timers.advance(1);
    assert.equal(expired, 1);
    assert.equal(d.armed, false);
    timers.advance(1000);
    assert.equal(expired, 1, 'a deadline expires once');
  });

  it('Should keep one timer while the deadline keeps moving later, as a busy connection does', () => {
    const timers = fakeTimers();
    let expired = 0;
    const d = new Http1Deadline(timers, () => expired++);
    d.arm(100);
    for (let i = 0; i < 50; i++) {
      timers.advance(1);
      d.clear();
      d.arm(100);
    }
    assert.equal(timers.set, 1, 'no timer per re-arm');
    assert.equal(expired, 0);
    timers.advance(99);
    assert.equal(expired, 0, 'the early timer re-arms itself for the rest instead of expiring');
    timers.advance(1);
    assert.equal(expired, 1, 'expires 100 ms after the last arm');
  });

  it('Should set a new timer when the deadline moves earlier than the pending one', () => {
    const timers = fakeTimers();
    let expired = 0;
    const d = new Http1Deadline(timers, () => expired++);
    d.arm(3_600_000);
    d.arm(50);
    assert.equal(timers.set, 2);
    assert.equal(timers.pending(), 1, 'the later timer was cleared');
    timers.advance(50);
    assert.equal(expired, 1);
  });

  it('Should not expire after clear, and should drop its timer on dispose', () => {
    const timers = fakeTimers();
    let expired = 0;
    const d = new Http1Deadline(timers, () => expired++);
    d.arm(100);
    d.clear();
    timers.advance(200);
    assert.equal(expired, 0);
    d.arm(100);
    d.dispose();
    assert.equal(timers.pending(), 0);
    timers.advance(200);
    assert.equal(expired, 0);
  });

  it('Should set a fresh timer per arm when the timers have no clock', () => {
    const timers = fakeTimers(false);
    let expired = 0;
    const d = new Http1Deadline(timers, () => expired++);
    d.arm(100);
    timers.advance(50);
    d.arm(100);
    assert.equal(timers.set, 2);
    assert.equal(timers.cleared, 1);
    timers.advance(99);
    assert.equal(expired, 0);
    timers.advance(1);
    assert.equal(expired, 1);
    d.arm(100);
    d.clear();
    assert.equal(timers.pending(), 0, 'clear cancels the timer without a clock');
  });
});
