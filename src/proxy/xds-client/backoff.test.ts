import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackoff } from './backoff.js';

test('Should double the delay up to the maximum and start over after a reset', () => {
  const b = createBackoff({ initialMs: 500, maxMs: 3000, jitter: 0.5 }, () => 0);
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [500, 1000, 2000, 3000, 3000]);
  b.reset();
  assert.equal(b.next(), 500);
});

test('Should take a random share of up to the jitter off each delay', () => {
  const b = createBackoff({ initialMs: 1000, maxMs: 30_000, jitter: 0.5 }, () => 0.5);
  assert.deepEqual([b.next(), b.next()], [750, 1500]);
});
