import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPushGenerations } from './push-generations.js';

const key = (name: string) => ({ name });

test('Should keep what the current or the previous push used and drop the rest', () => {
  const cache = createPushGenerations<object, string>();
  const [a, b] = [key('a'), key('b')];
  cache.rotate({});
  cache.set(a, 'A');
  cache.set(b, 'B');
  cache.rotate({});
  assert.equal(cache.get(a), 'A');
  cache.rotate({});
  assert.equal(cache.get(a), 'A');
  assert.equal(cache.get(b), undefined);
  assert.equal(cache.size, 1);
});

test('Should not start a new generation for a push it has seen before', () => {
  const cache = createPushGenerations<object, string>();
  const [first, second] = [{}, {}];
  const a = key('a');
  cache.rotate(first);
  cache.set(a, 'A');
  cache.rotate(second);
  cache.rotate(first);
  cache.rotate(second);
  assert.equal(cache.get(a), 'A');
});

test('Should keep a value set again under the same key, and drop it two pushes after its last use', () => {
  const cache = createPushGenerations<object, string>();
  const a = key('a');
  cache.rotate({});
  cache.set(a, 'A');
  cache.set(a, 'A2');
  assert.equal(cache.get(a), 'A2');
  assert.equal(cache.size, 1);
  cache.rotate({});
  cache.rotate({});
  assert.equal(cache.get(a), undefined);
  assert.equal(cache.size, 0);
});
