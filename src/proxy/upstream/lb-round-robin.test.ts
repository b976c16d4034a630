import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHostSet } from './host-set.js';
import { makeAssignment, makeLoadBalancer } from './lb-conformance.js';

describe('round robin load balancer', () => {
  it('Should cycle through equal-weight hosts exactly', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1' }, { address: '10.0.0.2' }, { address: '10.0.0.3' }]));
    const lb = makeLoadBalancer('ROUND_ROBIN', set);
    const picks = Array.from({ length: 9 }, () => lb.pick({})!.address);
    const first = picks.slice(0, 3);
    assert.deepEqual(new Set(first).size, 3);
    assert.deepEqual(picks, [...first, ...first, ...first]);
  });

  it('Should interleave weighted hosts smoothly instead of in bursts', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1', weight: 5 }, { address: '10.0.0.2', weight: 1 }, { address: '10.0.0.3', weight: 1 }]));
    const lb = makeLoadBalancer('ROUND_ROBIN', set);
    const picks = Array.from({ length: 7 }, () => lb.pick({})!.address);
    assert.deepEqual(picks, ['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.3', '10.0.0.1', '10.0.0.1']);
  });

  it('Should choose a locality by its weight before a host within it', () => {
    const set = createHostSet(
      makeAssignment([
        { address: '10.0.0.1', zone: 'a', localityWeight: 1 },
        { address: '10.0.0.2', zone: 'a', localityWeight: 1 },
        { address: '10.0.0.3', zone: 'a', localityWeight: 1 },
        { address: '10.0.1.1', zone: 'b', localityWeight: 1 },
      ]),
    );
    const lb = makeLoadBalancer('ROUND_ROBIN', set, 3);
    let lone = 0;
    for (let i = 0; i < 4000; i++) if (lb.pick({})!.address === '10.0.1.1') lone++;
    assert.ok(Math.abs(lone / 4000 - 0.5) < 0.03, `zone b share ${lone / 4000}`);
  });
});
