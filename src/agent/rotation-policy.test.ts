import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ROTATION_POLICY as P, backoffDelay, configErrorDelay, rotationTime } from './rotation-policy.js';

const HOUR = 3_600_000;

describe('rotationTime', () => {
  it('Should renew at half the lifetime when the jitter is centred', () => {
    assert.equal(rotationTime(0, 24 * HOUR, 0, P, () => 0.5), 12 * HOUR);
  });

  it('Should keep the jitter within 5% of the lifetime either side of half', () => {
    const times = Array.from({ length: 101 }, (_, i) => rotationTime(0, 24 * HOUR, 0, P, () => i / 101));
    assert.ok(Math.min(...times) >= 0.45 * 24 * HOUR);
    assert.ok(Math.max(...times) < 0.55 * 24 * HOUR);
    assert.ok(Math.max(...times) - Math.min(...times) > 0.09 * 24 * HOUR, 'the jitter spreads renewals');
  });

  it('Should not renew at once when the certificate is already past its rotation point', () => {
    assert.equal(rotationTime(0, 10_000, 9_000, P, () => 0.5), 10_000);
  });

  it('Should measure a backdated certificate\'s lifetime from when it arrived', () => {
    const arrived = 60_000;
    assert.equal(rotationTime(0, arrived + 6_000, arrived, P, () => 0.5), arrived + 3_000);
    assert.equal(rotationTime(0, arrived + 24 * HOUR, arrived, P, () => 0.5), arrived + 12 * HOUR);
  });
});

describe('backoffDelay', () => {
  it('Should double from one second up to a minute', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 30, 1000].map((n) => backoffDelay(n, P, () => 0.5)), [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('Should jitter each delay by at most a fifth', () => {
    assert.equal(backoffDelay(3, P, () => 0), 3200);
    assert.equal(backoffDelay(3, P, () => 0.999_999), 4800);
  });

  it('Should retry configuration errors after about a minute', () => {
    assert.equal(configErrorDelay(P, () => 0.5), 60_000);
  });
});
