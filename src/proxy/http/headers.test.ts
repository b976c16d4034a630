import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderMap } from './headers.js';

test('Should replace every value of a field with one value in the first one\'s place', () => {
  const h = new HeaderMap(['a', '1', 'x', '2', 'a', '3', 'y', '4', 'a', '5']);
  h.set('A', 'new');
  assert.deepEqual(h.raw(), ['a', 'new', 'x', '2', 'y', '4']);
  h.set('z', 'last');
  assert.deepEqual(h.raw(), ['a', 'new', 'x', '2', 'y', '4', 'z', 'last']);
});

test('Should remove every field of a name and keep the others in order', () => {
  const h = new HeaderMap(['a', '1', 'b', '2', 'a', '3', 'a', '4', 'c', '5']);
  assert.equal(h.remove('A'), true);
  assert.deepEqual(h.raw(), ['b', '2', 'c', '5']);
  assert.equal(h.remove('a'), false);
  assert.equal(h.remove('c'), true);
  assert.deepEqual(h.raw(), ['b', '2']);
  assert.equal(h.remove('b'), true);
  assert.equal(h.size, 0);
});

test('Should remove every field named in a set in one pass, except the one to keep, keeping the order', () => {
  const names = new Set(['connection', 'keep-alive', 'upgrade']);
  const headers = new HeaderMap(['a', '1', 'connection', 'upgrade', 'b', '2', 'keep-alive', 'timeout=5', 'upgrade', 'websocket', 'connection', 'x']);
  assert.equal(headers.removeNames(names, 'upgrade'), true);
  assert.deepEqual(headers.raw(), ['a', '1', 'b', '2', 'upgrade', 'websocket']);
  assert.equal(headers.removeNames(names, 'upgrade'), false);
  assert.equal(headers.removeNames(names), true);
  assert.deepEqual(headers.raw(), ['a', '1', 'b', '2']);
});
