import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { durationFromMs, durationSeconds, parseDurationText } from './duration.js';

describe('durations', () => {
  it('Should turn Istio duration strings into seconds and nanos', () => {
    assert.deepEqual(parseDurationText('10s'), { seconds: 10 });
    assert.deepEqual(parseDurationText('1.5s'), { seconds: 1, nanos: 500_000_000 });
    assert.deepEqual(parseDurationText('1h30m'), { seconds: 5400 });
    assert.deepEqual(durationFromMs(250), { seconds: 0, nanos: 250_000_000 });
    assert.equal(parseDurationText(undefined), undefined);
    assert.equal(parseDurationText('soon'), undefined);
  });

  it('Should round positive durations to at least one whole second', () => {
    assert.equal(durationSeconds('300ms'), 1);
    assert.equal(durationSeconds('2m'), 120);
    assert.equal(durationSeconds('0s'), 0);
  });
});
