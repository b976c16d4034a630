import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_TYPE, ENDPOINT_TYPE } from '../../xds/index.js';
import { applyDeltaSubscription, applySotwNames, createWatchedType, isSubscribed } from './watched-type.js';

test('Should make an empty SotW list a wildcard only until a name has been asked for', () => {
  const w = createWatchedType(CLUSTER_TYPE);
  assert.deepEqual(applySotwNames(w, []), { added: [], removed: [], wildcardOn: true });
  assert.equal(applySotwNames(w, []).wildcardOn, false, 'still wildcard, not newly');
  assert.equal(w.wildcard, true);
  applySotwNames(w, ['a']);
  assert.equal(w.wildcard, false);
  assert.deepEqual(applySotwNames(w, []), { added: [], removed: ['a'], wildcardOn: false });
  assert.equal(isSubscribed(w), false, 'an empty list after names unsubscribes');
  applySotwNames(w, ['*', 'b']);
  assert.equal(w.wildcard, true, '* is an explicit wildcard');
});

test('Should never make EDS a wildcard from an empty list', () => {
  const w = createWatchedType(ENDPOINT_TYPE);
  applySotwNames(w, []);
  assert.equal(isSubscribed(w), false);
});

test('Should follow delta subscribe and unsubscribe lists, with * as the explicit wildcard', () => {
  const w = createWatchedType(CLUSTER_TYPE);
  assert.equal(applyDeltaSubscription(w, [], []).wildcardOn, true, 'legacy wildcard on the first request');
  assert.deepEqual(applyDeltaSubscription(w, ['a'], []), { added: ['a'], removed: [], wildcardOn: false });
  assert.equal(w.wildcard, false, 'naming a resource ends the legacy wildcard');
  assert.equal(applyDeltaSubscription(w, ['*'], []).wildcardOn, true);
  w.clientVersions.set('z', '1');
  applyDeltaSubscription(w, [], ['*']);
  assert.equal(w.wildcard, false);
  assert.equal(w.clientVersions.has('z'), false, 'what is no longer wanted is forgotten');
  assert.deepEqual(applyDeltaSubscription(w, [], ['a']).removed, ['a']);
});
