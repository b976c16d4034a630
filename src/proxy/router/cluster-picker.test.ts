import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WeightedCluster } from '../config/route.js';
import { pickWeightedCluster } from './cluster-picker.js';
import { draws, routeAction, NO_HEADER_OPS } from './route-fixtures.js';

const wc = (name: string, weight: number): WeightedCluster => ({ name, weight, headers: NO_HEADER_OPS });

test('Should take a lone cluster without drawing a random value', () => {
  assert.equal(pickWeightedCluster(routeAction({ clusters: [wc('only', 0)] }), draws()).name, 'only');
});

const SPLIT = routeAction({ clusters: [wc('v1', 80), wc('v2', 20)] });
const CASES: { draw: number; expect: string }[] = [
  { draw: 0, expect: 'v1' },
  { draw: 0.7999, expect: 'v1' },
  { draw: 0.8, expect: 'v2' },
  { draw: 0.9999, expect: 'v2' },
];
for (const c of CASES) {
  test(`Should pick ${c.expect} for a draw of ${c.draw} in an 80/20 split`, () => {
    assert.equal(pickWeightedCluster(SPLIT, draws(c.draw)).name, c.expect);
  });
}

test('Should treat weights as relative when they do not sum to 100', () => {
  const action = routeAction({ clusters: [wc('a', 1), wc('b', 3)] });
  assert.equal(pickWeightedCluster(action, draws(0.24)).name, 'a');
  assert.equal(pickWeightedCluster(action, draws(0.25)).name, 'b');
});

test('Should never pick a zero-weight cluster', () => {
  const action = routeAction({ clusters: [wc('zero', 0), wc('a', 5), wc('zero2', 0)] });
  for (const d of [0, 0.5, 0.999]) assert.equal(pickWeightedCluster(action, draws(d)).name, 'a');
});

test('Should spread 10,000 evenly spaced draws in proportion to the weights', () => {
  const counts = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    const name = pickWeightedCluster(SPLIT, () => i / 10_000).name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(counts), { v1: 8000, v2: 2000 });
});
