import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineHashes, hashString } from './hash.js';

describe('hashString', () => {
  it('Should be deterministic and give safe integers', () => {
    assert.equal(hashString('10.0.0.1:9080_0'), hashString('10.0.0.1:9080_0'));
    assert.notEqual(hashString('10.0.0.1:9080_0'), hashString('10.0.0.1:9080_1'));
    for (let i = 0; i < 1000; i++) {
      const h = hashString(`key-${i}`);
      assert.ok(Number.isSafeInteger(h) && h >= 0);
    }
  });

  it('Should spread similar keys evenly over the whole range', () => {
    const buckets = new Array<number>(16).fill(0);
    const n = 16_000;
    for (let i = 0; i < n; i++) buckets[Math.floor(hashString(`10.0.0.${i % 250}:${8000 + i}`) / 2 ** 49)]!++;
    for (const b of buckets) assert.ok(Math.abs(b - n / 16) < (n / 16) * 0.1, `bucket ${b}`);
  });

  it('Should change with the seed', () => {
    assert.notEqual(hashString('a', 1), hashString('a', 2));
  });
});

describe('combineHashes', () => {
  it('Should rotate the first hash left by one bit and xor the second', () => {
    assert.equal(combineHashes(1, 0), 2);
    assert.equal(combineHashes(2 ** 52, 0), 1);
    assert.equal(combineHashes(3, 1), 7);
    const h = combineHashes(hashString('a'), hashString('b'));
    assert.ok(Number.isSafeInteger(h) && h >= 0);
    assert.notEqual(h, combineHashes(hashString('b'), hashString('a')));
  });
});
