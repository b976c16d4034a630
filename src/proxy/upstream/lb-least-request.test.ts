import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterConfig } from '../config/cluster.js';
import { createHostSet } from './host-set.js';
import { makeAssignment, makeLoadBalancer, seededRandom } from './lb-conformance.js';
import { createLoadBalancer } from './load-balancer.js';

describe('least request load balancer', () => {
  it('Should prefer the less loaded of two hosts', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1' }, { address: '10.0.0.2' }]));
    set.hosts[0]!.activeRequests = 10;
    const lb = makeLoadBalancer('LEAST_REQUEST', set);
    let idle = 0;
    for (let i = 0; i < 1000; i++) if (lb.pick({})!.address === '10.0.0.2') idle++;
    // Two random choices pick the loaded host only when both choices land on it: about 1/4.
    assert.ok(idle > 700 && idle < 800, `idle host picked ${idle} times`);
  });

  it('Should always pick the idle host when every host is a choice', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1' }, { address: '10.0.0.2' }, { address: '10.0.0.3' }]));
    set.hosts[0]!.activeRequests = 3;
    set.hosts[2]!.activeRequests = 1;
    const config: Pick<ClusterConfig, 'leastRequestChoiceCount'> = { leastRequestChoiceCount: 50 };
    const lb = createLoadBalancer('LEAST_REQUEST', set, config, seededRandom(9))!;
    for (let i = 0; i < 100; i++) assert.equal(lb.pick({})!.address, '10.0.0.2');
  });

  it('Should divide a weighted host share by its active requests plus one', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1', weight: 2 }, { address: '10.0.0.2', weight: 1 }]));
    set.hosts[0]!.activeRequests = 3; // effective weight 2 / 4 = 0.5 against 1 / 1
    const lb = makeLoadBalancer('LEAST_REQUEST', set);
    let heavy = 0;
    for (let i = 0; i < 3000; i++) if (lb.pick({})!.address === '10.0.0.1') heavy++;
    assert.equal(heavy, 1000);
  });
});
