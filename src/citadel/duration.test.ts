import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationSeconds } from './duration.js';

test('Should read durations in days, hours, minutes and seconds, alone or combined', () => {
  assert.equal(parseDurationSeconds('24h'), 86_400);
  assert.equal(parseDurationSeconds('90d'), 7_776_000);
  assert.equal(parseDurationSeconds('1h30m'), 5_400);
  assert.equal(parseDurationSeconds('45s'), 45);
  assert.equal(parseDurationSeconds('3600'), 3_600);
});

test('Should refuse durations that are empty, zero, negative or in unknown units', () => {
  for (const text of ['', '0', '0h', '-1h', '5w', 'h', '1h 30m']) assert.equal(parseDurationSeconds(text), undefined, text);
});
