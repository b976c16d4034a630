import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHostSet } from './host-set.js';
import { describeConsistentHashing, makeAssignment } from './lb-conformance.js';
import { buildMaglevTable } from './lb-maglev.js';

describe('maglev load balancer', () => {
  describeConsistentHashing('MAGLEV');

  it('Should fill every slot of the table in proportion to weight', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1', weight: 1 }, { address: '10.0.0.2', weight: 2 }, { address: '10.0.0.3', weight: 1 }]));
    const table = buildMaglevTable(set.hosts, 65537, 1);
    const counts = [0, 0, 0];
    for (const e of table.entries) counts[e] = counts[e]! + 1;
    assert.equal(counts[0]! + counts[1]! + counts[2]!, 65537);
    assert.ok(Math.abs(counts[1]! / 65537 - 0.5) < 0.01, `heavy share ${counts[1]! / 65537}`);
    assert.ok(Math.abs(counts[0]! / 65537 - 0.25) < 0.01, `light share ${counts[0]! / 65537}`);
  });
});
