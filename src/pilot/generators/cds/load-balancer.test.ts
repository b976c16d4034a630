import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DestinationRuleSpec } from '../../../api/index.js';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import { createFakePushContext, fakeDestinationRule, fakeEndpoint } from '../shared/fake-push-context.js';
import { REVIEWS, clusterNamed, clustersFor, reviewsService } from './cluster-fixtures.js';

const DEFAULT = `outbound|9080||${REVIEWS}`;

function clusterWith(trafficPolicy: DestinationRuleSpec['trafficPolicy']): Cluster {
  const rule = fakeDestinationRule('reviews', { host: REVIEWS, trafficPolicy });
  const push = createFakePushContext({ services: [reviewsService], destinationRules: [rule], endpoints: [fakeEndpoint(REVIEWS, 9080, '10.1.0.1')] });
  return clusterNamed(clustersFor(push), DEFAULT);
}

describe('load balancer', () => {
  it('Should map ROUND_ROBIN and RANDOM to the same Envoy policies', () => {
    assert.equal(clusterWith({ loadBalancer: { simple: 'ROUND_ROBIN' } }).lb_policy, 'ROUND_ROBIN');
    assert.equal(clusterWith({ loadBalancer: { simple: 'RANDOM' } }).lb_policy, 'RANDOM');
  });

  it('Should treat LEAST_CONN, the old name, as LEAST_REQUEST', () => {
    assert.equal(clusterWith({ loadBalancer: { simple: 'LEAST_CONN' } }).lb_policy, 'LEAST_REQUEST');
  });

  it('Should turn PASSTHROUGH into an ORIGINAL_DST cluster without EDS and without auto mTLS', () => {
    const c = clusterWith({ loadBalancer: { simple: 'PASSTHROUGH' } });
    assert.equal(c.type, 'ORIGINAL_DST');
    assert.equal(c.lb_policy, 'CLUSTER_PROVIDED');
    assert.equal(c.eds_cluster_config, undefined);
    assert.equal(c.transport_socket_matches, undefined);
  });

  it('Should use RING_HASH with the given minimum ring size for consistentHash.ringHash', () => {
    const c = clusterWith({ loadBalancer: { consistentHash: { httpHeaderName: 'x-user', ringHash: { minimumRingSize: 2048 } } } });
    assert.equal(c.lb_policy, 'RING_HASH');
    assert.deepEqual(c.ring_hash_lb_config, { minimum_ring_size: { value: 2048 } });
  });

  it('Should use MAGLEV with its table size for consistentHash.maglev', () => {
    const c = clusterWith({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } } });
    assert.equal(c.lb_policy, 'MAGLEV');
    assert.deepEqual(c.maglev_lb_config, { table_size: { value: 65537 } });
    assert.equal(c.ring_hash_lb_config, undefined);
  });

  it('Should default a bare consistentHash to RING_HASH with a 1024 minimum ring, or the deprecated minimumRingSize', () => {
    assert.deepEqual(clusterWith({ loadBalancer: { consistentHash: { httpCookie: { name: 'u', ttl: '0s' } } } }).ring_hash_lb_config, { minimum_ring_size: { value: 1024 } });
    assert.deepEqual(clusterWith({ loadBalancer: { consistentHash: { httpHeaderName: 'x', minimumRingSize: 64 } } }).ring_hash_lb_config, { minimum_ring_size: { value: 64 } });
  });

  it('Should give ROUND_ROBIN and LEAST_REQUEST a slow start window from warmupDurationSecs', () => {
    assert.deepEqual(clusterWith({ loadBalancer: { simple: 'ROUND_ROBIN', warmupDurationSecs: '60s' } }).round_robin_lb_config, { slow_start_config: { slow_start_window: { seconds: 60 } } });
    assert.deepEqual(clusterWith({ loadBalancer: { warmupDurationSecs: '5s' } }).least_request_lb_config, { slow_start_config: { slow_start_window: { seconds: 5 } } });
  });
});
