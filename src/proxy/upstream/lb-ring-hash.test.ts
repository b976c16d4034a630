import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHostSet } from './host-set.js';
import { describeConsistentHashing, makeAssignment } from './lb-conformance.js';
import { buildRing } from './lb-ring-hash.js';

describe('ring hash load balancer', () => {
  describeConsistentHashing('RING_HASH');

  it('Should size the ring between the minimum and maximum with entries proportional to weight', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1', weight: 1 }, { address: '10.0.0.2', weight: 3 }]));
    const ring = buildRing(set.hosts, 1024, 8 * 1024 * 1024, 1);
    assert.equal(ring.hashes.length, 1024);
    const first = ring.owners.filter((o) => o === 0).length;
    assert.equal(first, 256);
    for (let i = 1; i < ring.hashes.length; i++) assert.ok(ring.hashes[i - 1]! <= ring.hashes[i]!);
    assert.equal(buildRing(set.hosts, 1024, 100, 1).hashes.length, 100);
  });
});
