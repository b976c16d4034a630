import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterKeyOf } from './cluster-name-keys.js';

test('Should parse a service cluster name once and hand out the same frozen key after', () => {
  const key = clusterKeyOf('outbound|9080|v1|reviews.default.svc.cluster.local');
  assert.deepEqual(key, { direction: 'outbound', port: 9080, subset: 'v1', host: 'reviews.default.svc.cluster.local' });
  assert.ok(Object.isFrozen(key));
  assert.equal(clusterKeyOf(['outbound', '9080', 'v1', 'reviews.default.svc.cluster.local'].join('|')), key);
});

test('Should answer undefined, every time, for a name that is no service cluster', () => {
  assert.equal(clusterKeyOf('BlackHoleCluster'), undefined);
  assert.equal(clusterKeyOf('BlackHoleCluster'), undefined);
  assert.equal(clusterKeyOf('outbound|99999||a'), undefined);
});
