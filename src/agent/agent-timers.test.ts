import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMER_MS, scheduleAt } from './agent-timers.js';
import { createManualTimers } from './testing.js';

describe('scheduleAt', () => {
  it('Should wait out a delay longer than a Node timer can hold, in steps', () => {
    const timers = createManualTimers(0);
    let fired = 0;
    const at = 3 * MAX_TIMER_MS + 5;
    scheduleAt(timers, at, () => fired++);
    assert.deepEqual(timers.pending(), [MAX_TIMER_MS], 'never asks for more than the maximum');
    timers.advanceTo(at - 1);
    assert.equal(fired, 0);
    timers.advanceTo(at);
    assert.equal(fired, 1);
    assert.deepEqual(timers.pending(), []);
  });

  it('Should not fire once cancelled', () => {
    const timers = createManualTimers(0);
    let fired = 0;
    const cancel = scheduleAt(timers, 10, () => fired++);
    cancel();
    timers.advance(100);
    assert.equal(fired, 0);
    assert.deepEqual(timers.pending(), []);
  });
});
