import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { destinationTrafficPolicy, mergeSubsetTrafficPolicy, portTrafficPolicy } from './merge-traffic-policy.js';
import type { DestinationRuleView, TrafficPolicy } from '../../../api/index.js';

const TOP: TrafficPolicy = {
  loadBalancer: { simple: 'RANDOM' },
  connectionPool: { tcp: { maxConnections: 5 } },
  tls: { mode: 'ISTIO_MUTUAL' },
  portLevelSettings: [{ port: { number: 9090 }, loadBalancer: { simple: 'ROUND_ROBIN' } }],
};

describe('traffic policy merge', () => {
  it('Should use the destination-level policy for ports without port-level settings', () => {
    const { policy, portLevel } = portTrafficPolicy(TOP, 9080);
    assert.equal(portLevel, false);
    assert.deepEqual(policy?.loadBalancer, { simple: 'RANDOM' });
    assert.equal('portLevelSettings' in (policy ?? {}), false);
  });

  it('Should replace the whole destination-level policy with the port-level settings of that port', () => {
    const { policy, portLevel } = portTrafficPolicy(TOP, 9090);
    assert.equal(portLevel, true);
    assert.deepEqual(policy, { connectionPool: undefined, loadBalancer: { simple: 'ROUND_ROBIN' }, outlierDetection: undefined, tls: undefined });
  });

  it("Should override only the fields a subset sets, keeping the rest of the port's policy", () => {
    const merged = mergeSubsetTrafficPolicy(TOP, { loadBalancer: { simple: 'LEAST_REQUEST' } }, 9080);
    assert.deepEqual(merged?.loadBalancer, { simple: 'LEAST_REQUEST' });
    assert.deepEqual(merged?.connectionPool, { tcp: { maxConnections: 5 } });
    assert.deepEqual(merged?.tls, { mode: 'ISTIO_MUTUAL' });
  });

  it("Should let a subset's port-level settings replace every field for their port", () => {
    const subset: TrafficPolicy = { portLevelSettings: [{ port: { number: 9080 }, outlierDetection: { consecutive5xxErrors: 1 } }] };
    const merged = mergeSubsetTrafficPolicy(TOP, subset, 9080);
    assert.deepEqual(merged, { connectionPool: undefined, loadBalancer: undefined, outlierDetection: { consecutive5xxErrors: 1 }, tls: undefined });
  });

  it('Should fall back to the destination-level policy for a subset the rule does not define', () => {
    const rule: DestinationRuleView = { host: 'r', trafficPolicy: TOP, subsets: [{ name: 'v1', trafficPolicy: { tls: { mode: 'DISABLE' } } }] };
    assert.deepEqual(destinationTrafficPolicy(rule, 9080, 'v1')?.tls, { mode: 'DISABLE' });
    assert.deepEqual(destinationTrafficPolicy(rule, 9080, 'v9')?.tls, { mode: 'ISTIO_MUTUAL' });
    assert.equal(destinationTrafficPolicy(undefined, 9080), undefined);
  });
});
