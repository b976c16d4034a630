import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomHexId, randomUuid } from './trace-ids.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('Should make version 4 UUIDs that differ from one another, across pool refills', () => {
  const seen = new Set<string>();
  // 2,000 UUIDs use the 4 KiB pool several times over.
  for (let i = 0; i < 2000; i++) {
    const id = randomUuid();
    assert.match(id, UUID_V4);
    seen.add(id);
  }
  assert.equal(seen.size, 2000);
});

test('Should set every hex digit of a UUID to each value at some point (no stuck nibble)', () => {
  const digits = Array.from({ length: 36 }, () => new Set<string>());
  for (let i = 0; i < 3000; i++) {
    const id = randomUuid();
    for (let j = 0; j < 36; j++) digits[j]!.add(id[j]!);
  }
  for (let j = 0; j < 36; j++) {
    const expected = j === 8 || j === 13 || j === 18 || j === 23 ? 1 : j === 14 ? 1 : j === 19 ? 4 : 16;
    assert.equal(digits[j]!.size, expected, `position ${j}`);
  }
});

test('Should share the pool with span ids without repeating an id', () => {
  const a = randomHexId(8);
  const u = randomUuid();
  const b = randomHexId(8);
  assert.match(a, /^[0-9a-f]{16}$/);
  assert.notEqual(a, b);
  assert.equal(u.replace(/-/g, '').includes(a), false);
});
