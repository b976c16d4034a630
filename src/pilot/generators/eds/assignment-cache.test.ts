import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { XdsResource } from '../generator.js';
import { fakeEndpoint } from '../shared/fake-push-context.js';
import { MAX_VARIANTS_PER_CLUSTER, createAssignmentCache } from './assignment-cache.js';

const NAME = 'outbound|9080|v1|reviews.default.svc.cluster.local';
const list = Object.freeze([fakeEndpoint('reviews.default.svc.cluster.local', 9080, '10.0.0.1')]);

function counting() {
  let builds = 0;
  const build = (): XdsResource => ({ name: NAME, resource: { type_url: 'x', value: Buffer.from([builds++]) }, message: {} });
  return { build, builds: () => builds };
}

test('Should reuse an assignment for the same endpoint list, name, proxy kind and subset labels, equal ones included', () => {
  const cache = createAssignmentCache();
  const { build, builds } = counting();
  const first = cache.assignment(NAME, { all: list, subsetLabels: { version: 'v1' } }, false, build);
  assert.equal(cache.assignment(NAME, { all: list, subsetLabels: { version: 'v1' } }, false, build), first, 'labels of a new DestinationRule object, same content');
  assert.equal(builds(), 1);
});

test('Should build again for another endpoint list, name, proxy kind or subset labels', () => {
  const cache = createAssignmentCache();
  const { build, builds } = counting();
  const first = cache.assignment(NAME, { all: list, subsetLabels: { version: 'v1' } }, false, build);
  const others = [
    cache.assignment(NAME, { all: Object.freeze([...list]), subsetLabels: { version: 'v1' } }, false, build),
    cache.assignment(`${NAME}x`, { all: list, subsetLabels: { version: 'v1' } }, false, build),
    cache.assignment(NAME, { all: list, subsetLabels: { version: 'v1' } }, true, build),
    cache.assignment(NAME, { all: list, subsetLabels: { version: 'v2' } }, false, build),
    cache.assignment(NAME, { all: list, subsetLabels: null }, false, build),
    cache.assignment(NAME, { all: list, subsetLabels: undefined }, false, build),
  ];
  assert.equal(builds(), 7);
  for (const other of others) assert.notEqual(other, first);
  assert.equal(cache.assignment(NAME, { all: list, subsetLabels: {} }, false, build), others[5], 'no labels selects as much as the whole service');
});

test('Should keep a bounded number of variants per cluster, dropping the oldest', () => {
  const cache = createAssignmentCache();
  const { build, builds } = counting();
  const oldest = cache.assignment(NAME, { all: list, subsetLabels: { version: 'v0' } }, false, build);
  for (let i = 1; i <= MAX_VARIANTS_PER_CLUSTER; i++) cache.assignment(NAME, { all: list, subsetLabels: { version: `v${i}` } }, false, build);
  const newest = cache.assignment(NAME, { all: list, subsetLabels: { version: `v${MAX_VARIANTS_PER_CLUSTER}` } }, false, build);
  assert.equal(builds(), MAX_VARIANTS_PER_CLUSTER + 1, 'the newest was kept');
  assert.notEqual(cache.assignment(NAME, { all: list, subsetLabels: { version: 'v0' } }, false, build), oldest);
  assert.ok(newest);
  assert.equal(builds(), MAX_VARIANTS_PER_CLUSTER + 2);
});
