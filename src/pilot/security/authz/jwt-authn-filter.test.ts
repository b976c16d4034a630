import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNUSABLE_JWKS } from './jwks-fetcher.js';
import { createJwksResolver } from './jwks-resolver.js';
import { authorizationPolicy, inboundPolicy, requestAuthentication } from './authz-testing.js';

const JWKS = JSON.stringify({ keys: [{ kty: 'oct', kid: 'k1', k: 'c2VjcmV0' }] });
const quiet = { warn: () => {}, info: () => {} };
const noTimer = () => () => {};

test('Should generate a provider per JWT rule with the inline key set, and let a missing token through', () => {
  const ra = requestAuthentication('jwt', {
    selector: { matchLabels: { app: 'reviews' } },
    jwtRules: [
      { issuer: 'testing@secure.istio.io', jwks: JWKS, forwardOriginalToken: true, audiences: ['reviews'] },
      { issuer: 'other', jwks: JWKS, fromHeaders: [{ name: 'x-jwt', prefix: 'Token ' }], fromParams: ['token'] },
    ],
  });
  const { http } = inboundPolicy([ra]);
  assert.deepEqual(http, [
    {
      name: 'envoy.filters.http.jwt_authn',
      config: {
        providers: {
          'origins-0': { issuer: 'testing@secure.istio.io', audiences: ['reviews'], local_jwks: { inline_string: JWKS }, forward: true, payload_in_metadata: 'testing@secure.istio.io' },
          'origins-1': { issuer: 'other', local_jwks: { inline_string: JWKS }, from_headers: [{ name: 'x-jwt', value_prefix: 'Token ' }], from_params: ['token'], payload_in_metadata: 'other' },
        },
        rules: [{ match: { prefix: '/' }, requires: { requires_any: { requirements: [{ provider_name: 'origins-0' }, { provider_name: 'origins-1' }, { allow_missing: {} }] } } }],
        bypass_cors_preflight: true,
      },
    },
  ]);
});

test('Should put jwt_authn ahead of RBAC, and generate nothing for TCP chains', () => {
  const ra = requestAuthentication('jwt', { jwtRules: [{ issuer: 'iss', jwks: JWKS }] });
  const ap = authorizationPolicy('require', { rules: [{ from: [{ source: { requestPrincipals: ['iss/*'] } }] }] });
  assert.deepEqual(inboundPolicy([ap, ra]).http.map((f) => f.name), ['envoy.filters.http.jwt_authn', 'envoy.filters.http.rbac']);
  assert.deepEqual(inboundPolicy([ra], {}, 5432).tcp, []);
});

test('Should inline a fetched jwksUri key set, rejecting every token until the first fetch is done', async () => {
  const fetched: string[] = [];
  const jwks = createJwksResolver({ fetch: (uri) => (fetched.push(uri), Promise.resolve(JWKS)), schedule: noTimer, log: quiet });
  const changes: number[] = [];
  jwks.onChange(() => changes.push(1));
  const ra = requestAuthentication('jwt', { jwtRules: [{ issuer: 'iss', jwksUri: 'http://127.0.0.1:1/jwks.json' }] });
  const inline = () => ((inboundPolicy([ra], { jwks }).http[0]?.config.providers as Record<string, { local_jwks: { inline_string: string } }>)['origins-0']?.local_jwks.inline_string);
  assert.equal(inline(), UNUSABLE_JWKS);
  await jwks.settled();
  assert.deepEqual(fetched, ['http://127.0.0.1:1/jwks.json']);
  assert.equal(changes.length, 1, 'the first fetch is a change worth a push');
  assert.equal(inline(), JWKS);
  assert.equal(fetched.length, 1, 'a fresh key set is not fetched again');
});

test('Should inline the key set that rejects every token when the jwksUri cannot be fetched', async () => {
  const warnings: string[] = [];
  const jwks = createJwksResolver({ fetch: () => Promise.reject(new Error('refused')), schedule: noTimer, log: { info: () => {}, warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? '') } });
  const ra = requestAuthentication('jwt', { jwtRules: [{ issuer: 'iss', jwksUri: 'http://127.0.0.1:1/jwks.json' }] });
  inboundPolicy([ra], { jwks });
  await jwks.settled();
  const providers = inboundPolicy([ra], { jwks }).http[0]?.config.providers as Record<string, { local_jwks: { inline_string: string } }>;
  assert.equal(providers['origins-0']?.local_jwks.inline_string, UNUSABLE_JWKS);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /rejecting every token/);
});
