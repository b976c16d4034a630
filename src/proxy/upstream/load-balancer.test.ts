import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHostSet } from './host-set.js';
import { describeLoadBalancerConformance, makeAssignment, seededRandom, TEST_LB_CONFIG } from './lb-conformance.js';
import { createLoadBalancer, LB_POLICIES } from './load-balancer.js';

for (const policy of LB_POLICIES) describeLoadBalancerConformance(policy);

describe('createLoadBalancer', () => {
  it('Should register every LB policy except CLUSTER_PROVIDED', () => {
    assert.deepEqual([...LB_POLICIES].sort(), ['LEAST_REQUEST', 'MAGLEV', 'RANDOM', 'RING_HASH', 'ROUND_ROBIN']);
  });

  it('Should give no load balancer for CLUSTER_PROVIDED', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1' }]));
    assert.equal(createLoadBalancer('CLUSTER_PROVIDED', set, TEST_LB_CONFIG, seededRandom(1)), undefined);
  });
});
