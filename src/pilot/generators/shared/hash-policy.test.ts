import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packAny } from '../../../xds/index.js';
import { hashPolicyFor, hashPolicyForDestination } from './hash-policy.js';
import type { ConsistentHashSettings } from '../../../api/index.js';

const lb = (consistentHash: ConsistentHashSettings) => ({ loadBalancer: { consistentHash } });

describe('route hash policy from consistentHash', () => {
  it('Should hash on a header, a query parameter or the source IP', () => {
    assert.deepEqual(hashPolicyFor(lb({ httpHeaderName: 'x-user' })), [{ header: { header_name: 'x-user' } }]);
    assert.deepEqual(hashPolicyFor(lb({ httpQueryParameterName: 'id' })), [{ query_parameter: { name: 'id' } }]);
    assert.deepEqual(hashPolicyFor(lb({ useSourceIp: true })), [{ connection_properties: { source_ip: true } }]);
  });

  it('Should hash on a cookie with its path, ttl and attributes, as a valid RouteAction.HashPolicy', () => {
    const policies = hashPolicyFor(lb({ httpCookie: { name: 'session', path: '/', ttl: '1h', attributes: [{ name: 'SameSite', value: 'Strict' }] } }));
    assert.deepEqual(policies, [{ cookie: { name: 'session', path: '/', ttl: { seconds: 3600 }, attributes: [{ name: 'SameSite', value: 'Strict' }] } }]);
    assert.ok(packAny('envoy.config.route.v3.RouteAction', { cluster: 'c', hash_policy: policies }));
  });

  it('Should give no hash policy without consistentHash, and take the subset and port policy of a destination', () => {
    assert.deepEqual(hashPolicyFor({ loadBalancer: { simple: 'ROUND_ROBIN' } }), []);
    assert.deepEqual(hashPolicyFor(undefined), []);
    const rule = { host: 'r', subsets: [{ name: 'v1', trafficPolicy: lb({ httpHeaderName: 'x-v1' }) }] };
    assert.deepEqual(hashPolicyForDestination(rule, 80, 'v1'), [{ header: { header_name: 'x-v1' } }]);
    assert.deepEqual(hashPolicyForDestination(rule, 80), []);
  });
});
