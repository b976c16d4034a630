import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import { createSidecarLdsGenerator } from '../../generators/lds/lds-generator.js';
import { fakeProxy, fakeService, http, testPush } from '../../generators/rds/testing.js';
import type { Service } from '../../model/service.js';
import { createAuthorizationFilters } from './authz-filters.js';
import { chainPolicy, requestAuthentication } from './authz-testing.js';
import { parseJwksFetchMode, type JwksFetchMode } from './jwks-fetch-mode.js';
import { createJwksResolver } from './jwks-resolver.js';

const KEYS = JSON.stringify({ keys: [{ kty: 'oct', kid: 'k1', k: 'c2VjcmV0' }] });
const MESH_URI = 'http://keys.default.svc.cluster.local:8080/jwks.json';
const EXTERNAL_URI = 'https://login.example.com/keys';
const MESH_KEYS: Service = fakeService('keys.default.svc.cluster.local', [http(8080)]);
const EXTERNAL_KEYS: Service = fakeService('login.example.com', [{ name: 'https', port: 443, protocol: 'HTTPS' }], { meshExternal: true, resolution: 'DNS' });
const quiet = { warn: () => {}, info: () => {} };

interface Provider {
  local_jwks?: { inline_string: string };
  remote_jwks?: { http_uri: { uri: string; cluster: string; timeout: { seconds: string } }; cache_duration: { seconds: string }; async_fetch?: unknown; retry_policy?: unknown };
}

/** The jwt_authn providers of the reviews workload's inbound HTTP port under `mode`, with the resolver's fetches. */
function providers(mode: JwksFetchMode, services: readonly Service[], uris: readonly string[]): { providers: Record<string, Provider>; fetched: string[] } {
  const fetched: string[] = [];
  const jwks = createJwksResolver({ fetch: (uri) => (fetched.push(uri), Promise.resolve(KEYS)), schedule: () => () => {}, log: quiet });
  const filters = createAuthorizationFilters({ jwks, jwksFetchMode: mode });
  const security = { httpFilters: filters.httpFilters, networkFilters: filters.networkFilters, inboundFilterChains: (_ctx: unknown, plaintext: never) => [plaintext] };
  const ra = requestAuthentication('jwt', { jwtRules: uris.map((jwksUri, i) => ({ issuer: `iss-${i}`, jwksUri })) });
  const push = testPush({ services, resources: [ra] });
  const proxy = fakeProxy({ namespace: 'default', labels: { app: 'reviews' }, workloadPorts: [{ name: 'http-web', port: 9080, protocol: 'HTTP' }] });
  const out = createSidecarLdsGenerator({ security }).generate(proxy, push, undefined);
  const inbound = out.find((r) => r.name === 'virtualInbound')?.message as Listener;
  const chain = inbound.filter_chains!.find((c) => c.name === '0.0.0.0_9080')!;
  const jwt = chainPolicy(chain.filters ?? []).http.find((f) => f.name === 'envoy.filters.http.jwt_authn');
  return { providers: jwt?.config.providers as Record<string, Provider>, fetched };
}

test('Should inline every jwksUri key set in istiod mode, the default', () => {
  const { providers: p } = providers('istiod', [MESH_KEYS, EXTERNAL_KEYS], [MESH_URI, EXTERNAL_URI]);
  assert.ok(p['origins-0']?.local_jwks && p['origins-1']?.local_jwks);
  assert.equal(p['origins-0']?.remote_jwks, undefined);
});

test('Should emit remote_jwks through the outbound cluster of the jwksUri host and port in envoy mode', () => {
  const { providers: p, fetched } = providers('envoy', [MESH_KEYS, EXTERNAL_KEYS], [MESH_URI, EXTERNAL_URI]);
  assert.deepEqual(p['origins-0']?.remote_jwks?.http_uri, { uri: MESH_URI, cluster: 'outbound|8080||keys.default.svc.cluster.local', timeout: { seconds: '5' } });
  assert.deepEqual(p['origins-0']?.remote_jwks?.cache_duration, { seconds: '300' });
  assert.deepEqual(p['origins-0']?.remote_jwks?.async_fetch, { failed_refetch_duration: { seconds: '1' } }, 'the proxy fetches as the config arrives');
  assert.equal(p['origins-0']?.local_jwks, undefined);
  assert.equal(p['origins-1']?.remote_jwks?.http_uri.cluster, 'outbound|443||login.example.com', 'https defaults to port 443');
  assert.deepEqual(fetched, [], 'the control plane fetches nothing the proxies fetch');
});

test('Should fall back to inlining in envoy mode when the proxy has no cluster for the jwksUri', () => {
  const { providers: p, fetched } = providers('envoy', [MESH_KEYS], ['http://keys.default.svc.cluster.local:9999/jwks.json', 'http://unknown.example/jwks.json']);
  assert.ok(p['origins-0']?.local_jwks, 'a known host on a port the service lacks');
  assert.ok(p['origins-1']?.local_jwks, 'a host no service defines');
  assert.deepEqual(fetched, ['http://keys.default.svc.cluster.local:9999/jwks.json', 'http://unknown.example/jwks.json']);
});

test('Should let the proxy fetch from mesh services only in hybrid mode, inlining MESH_EXTERNAL and unknown hosts', () => {
  const { providers: p, fetched } = providers('hybrid', [MESH_KEYS, EXTERNAL_KEYS], [MESH_URI, EXTERNAL_URI, 'http://unknown.example/jwks.json']);
  assert.equal(p['origins-0']?.remote_jwks?.http_uri.cluster, 'outbound|8080||keys.default.svc.cluster.local');
  assert.ok(p['origins-1']?.local_jwks);
  assert.ok(p['origins-2']?.local_jwks);
  assert.deepEqual(fetched, [EXTERNAL_URI, 'http://unknown.example/jwks.json']);
});

test('Should read Istio\'s values of PILOT_JWT_ENABLE_REMOTE_JWKS and refuse others', () => {
  const modes = ['false', 'istiod', 'true', 'envoy', 'hybrid', ' Envoy ', '', undefined].map((v) => {
    const r = parseJwksFetchMode(v);
    return r.ok ? r.mode : 'error';
  });
  assert.deepEqual(modes, ['istiod', 'istiod', 'envoy', 'envoy', 'hybrid', 'envoy', 'istiod', 'istiod']);
  const bad = parseJwksFetchMode('always');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error, /unknown JWKS fetch mode "always": expected false, istiod, true, envoy or hybrid/);
});
