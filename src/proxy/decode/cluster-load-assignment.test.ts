import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import type { LoadAssignment } from '../config/endpoint.js';
import { decodeClusterLoadAssignment } from './cluster-load-assignment.js';
import { pack, productpageResources, type Json } from './testing.js';

function assignment(lbEndpoints: Json[], locality: { [key: string]: Json } = {}): AnyMessage {
  return pack('envoy.config.endpoint.v3.ClusterLoadAssignment', { cluster_name: 'c', endpoints: [{ lb_endpoints: lbEndpoints, ...locality }] });
}

function decoded(any: AnyMessage): LoadAssignment {
  const r = decodeClusterLoadAssignment(any);
  assert.ok(r.valid, r.valid ? '' : r.errors.join('\n'));
  return r.result;
}

test('Should decode the endpoints Pilot generates with their Istio metadata', () => {
  const [all, v1] = productpageResources().endpoints.map(decoded);
  assert.equal(all?.clusterName, 'outbound|9080||reviews.default.svc.cluster.local');
  assert.equal(all?.localities[0]?.weight, 3);
  assert.deepEqual(all?.localities[0]?.endpoints.map((e) => [e.address, e.port, e.weight, e.healthStatus, e.workload]), [
    ['10.0.0.7', 9080, 1, 'HEALTHY', 'reviews;default;reviews;v1;'],
    ['10.0.1.7', 9080, 1, 'HEALTHY', 'reviews;default;reviews;v2;'],
    ['10.0.2.7', 9080, 1, 'HEALTHY', 'reviews;default;reviews;v3;'],
  ]);
  assert.equal(v1?.localities[0]?.endpoints.length, 1);
});

test('Should default weights to 1 and read tlsMode, locality and priority', () => {
  const a = decoded(assignment([{
    endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 8080 } } },
    metadata: { filter_metadata: { 'envoy.transport_socket_match': { tlsMode: 'istio' } } },
  }], { locality: { region: 'r', zone: 'z', sub_zone: 's' }, priority: 1 }));
  const l = a.localities[0];
  assert.deepEqual(l?.locality, { region: 'r', zone: 'z', subZone: 's' });
  assert.equal(l?.weight, 1);
  assert.equal(l?.priority, 1);
  assert.deepEqual(l?.endpoints, [{ address: '127.0.0.1', port: 8080, weight: 1, healthStatus: 'UNKNOWN', tlsMode: 'istio' }]);
});

test('Should reject bad endpoints, naming each one', () => {
  const r = decodeClusterLoadAssignment(assignment([
    { endpoint_name: 'named' },
    { endpoint: { address: { socket_address: { address: '', port_value: 1 } } } },
    { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 1 } } }, load_balancing_weight: { value: 0 } },
  ]));
  assert.equal(r.valid, false);
  assert.deepEqual(r.valid ? [] : r.errors, [
    'endpoints[0].lb_endpoints[0]: endpoint missing (named endpoints are not supported)',
    'endpoints[0].lb_endpoints[1].endpoint.address.socket_address.address: address missing',
    'endpoints[0].lb_endpoints[2].load_balancing_weight: must be at least 1',
  ]);
});
