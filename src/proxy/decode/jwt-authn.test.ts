import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import type { JwtProviderConfig } from '../config/policy.js';
import { decodeListener } from './listener.js';
import { pack, type Json } from './testing.js';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const JWT = 'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';
const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };
const URI = 'http://keys.example.com:8080/jwks.json';
const CLUSTER = 'outbound|8080||keys.example.com';

function listenerWith(provider: Json): AnyMessage {
  const jwt = { name: 'envoy.filters.http.jwt_authn', typed_config: { '@type': JWT, providers: { 'origins-0': { issuer: 'iss', ...(provider as Record<string, Json>) } }, rules: [{ match: { prefix: '/' }, requires: { provider_name: 'origins-0' } }] } };
  const hcm = { name: 'hcm', typed_config: { '@type': HCM, stat_prefix: 'inbound_0.0.0.0_8080', rds: { route_config_name: 'r' }, http_filters: [jwt, ROUTER] } };
  return pack('envoy.config.listener.v3.Listener', { name: 'l', address: { socket_address: { address: '0.0.0.0', port_value: 15006 } }, filter_chains: [{ filters: [hcm] }] });
}

function decodeProvider(provider: Json): JwtProviderConfig {
  const r = decodeListener(listenerWith(provider));
  assert.ok(r.valid, r.valid ? '' : r.errors.join('\n'));
  const network = r.result.filterChains[0]!.network;
  assert.ok(network.kind === 'http');
  const f = network.hcm.httpFilters[0]!;
  assert.ok(f.kind === 'jwt_authn');
  return f.jwt.providers[0]!;
}

function errorsOf(provider: Json): string[] {
  const r = decodeListener(listenerWith(provider));
  assert.equal(r.valid, false, 'expected a NACK');
  return r.valid ? [] : r.errors;
}

test('Should decode remote_jwks as Istio emits it, with Envoy\'s 5-minute cache and no retries by default', () => {
  const p = decodeProvider({ remote_jwks: { http_uri: { uri: URI, cluster: CLUSTER, timeout: { seconds: 5 } } } });
  assert.equal(p.jwks, '');
  assert.deepEqual(p.remoteJwks, { uri: URI, cluster: CLUSTER, timeoutMs: 5_000, cacheDurationMs: 300_000, retries: 0, retryBackoffBaseMs: 1_000, retryBackoffMaxMs: 10_000 });
});

test('Should decode cache_duration, async_fetch and a retry_policy, capping the retries', () => {
  const p = decodeProvider({
    remote_jwks: {
      http_uri: { uri: URI, cluster: CLUSTER, timeout: { nanos: 500_000_000 } },
      cache_duration: { seconds: 60 },
      async_fetch: { failed_refetch_duration: { seconds: 2 } },
      retry_policy: { num_retries: { value: 9 }, retry_back_off: { base_interval: { nanos: 200_000_000 } } },
    },
  });
  assert.deepEqual(p.remoteJwks, { uri: URI, cluster: CLUSTER, timeoutMs: 500, cacheDurationMs: 60_000, asyncFetch: { failedRefetchMs: 2_000 }, retries: 3, retryBackoffBaseMs: 200, retryBackoffMaxMs: 10_000 });
  assert.deepEqual(decodeProvider({ remote_jwks: { http_uri: { uri: URI, cluster: CLUSTER, timeout: { seconds: 1 } }, async_fetch: {}, retry_policy: {} } }).remoteJwks?.asyncFetch, { failedRefetchMs: 1_000 });
});

const NACKS: { name: string; provider: Json; expect: RegExp }[] = [
  { name: 'a remote_jwks without http_uri', provider: { remote_jwks: { cache_duration: { seconds: 1 } } }, expect: /providers\[origins-0\]\.remote_jwks\.http_uri: http_uri is required$/ },
  { name: 'a remote_jwks without a cluster', provider: { remote_jwks: { http_uri: { uri: URI, timeout: { seconds: 1 } } } }, expect: /remote_jwks\.http_uri\.cluster: cluster is required/ },
  { name: 'a remote_jwks with a URI that is not http(s)', provider: { remote_jwks: { http_uri: { uri: 'file:///etc/keys', cluster: CLUSTER, timeout: { seconds: 1 } } } }, expect: /remote_jwks\.http_uri\.uri: invalid http\(s\) URI "file:\/\/\/etc\/keys"$/ },
  { name: 'a remote_jwks without a timeout', provider: { remote_jwks: { http_uri: { uri: URI, cluster: CLUSTER } } }, expect: /remote_jwks\.http_uri\.timeout: a positive timeout is required$/ },
  { name: 'a retry policy with a max interval below its base', provider: { remote_jwks: { http_uri: { uri: URI, cluster: CLUSTER, timeout: { seconds: 1 } }, retry_policy: { retry_back_off: { base_interval: { seconds: 2 }, max_interval: { seconds: 1 } } } } }, expect: /remote_jwks\.retry_policy\.retry_back_off\.max_interval: must not be less than base_interval$/ },
];

for (const c of NACKS) {
  test(`Should NACK ${c.name} with the field path`, () => {
    const errors = errorsOf(c.provider);
    assert.ok(errors.some((e) => c.expect.test(e)), `got:\n${errors.join('\n')}`);
  });
}
