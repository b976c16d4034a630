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
