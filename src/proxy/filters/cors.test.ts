import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CorsPolicy } from '../config/route.js';
import { HeaderMap } from '../http/headers.js';
import { requestHead } from '../router/route-fixtures.js';
import { applyCorsResponseHeaders, evaluateCors, resolveCorsPolicy } from './cors.js';

const POLICY: CorsPolicy = {
  allowOrigins: [
    { kind: 'exact', value: 'https://app.example.com', ignoreCase: false },
    { kind: 'regex', value: 'https://.*\\.dev\\.example\\.com' },
  ],
  allowMethods: 'GET,POST',
  allowHeaders: 'authorization,content-type',
  exposeHeaders: 'x-request-id',
  maxAge: '86400',
  allowCredentials: true,
};

const preflight = (origin: string) =>
  requestHead('/api', { method: 'OPTIONS', headers: [['origin', origin], ['access-control-request-method', 'POST']] });

test('Should answer a preflight from an allowed origin locally', () => {
  const d = evaluateCors(POLICY, preflight('https://app.example.com'));
  assert.equal(d.kind, 'preflight');
  if (d.kind !== 'preflight') return;
  assert.equal(d.response.status, 200);
  assert.deepEqual(d.response.headers.toRecord(), {
    'access-control-allow-origin': 'https://app.example.com',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET,POST',
    'access-control-allow-headers': 'authorization,content-type',
    'access-control-max-age': '86400',
    'content-length': '0',
  });
});

test('Should match an allowed origin with an RE2 regex', () => {
  assert.equal(evaluateCors(POLICY, preflight('https://a.dev.example.com')).kind, 'preflight');
});

const PASSES: { name: string; head: ReturnType<typeof requestHead>; policy?: CorsPolicy }[] = [
  { name: 'a preflight from another origin', head: preflight('https://evil.example.org') },
  { name: 'a request without Origin', head: requestHead('/api', { method: 'OPTIONS', headers: [['access-control-request-method', 'POST']] }) },
  { name: 'any request when there is no policy', head: preflight('https://app.example.com'), policy: undefined },
];
for (const c of PASSES) {
  test(`Should pass on ${c.name}`, () => {
    assert.deepEqual(evaluateCors('policy' in c ? c.policy : POLICY, c.head), { kind: 'pass' });
  });
}

test('Should treat OPTIONS without Access-Control-Request-Method as an actual request', () => {
  assert.deepEqual(evaluateCors(POLICY, requestHead('/', { method: 'OPTIONS', headers: [['origin', 'https://app.example.com']] })), { kind: 'actual', origin: 'https://app.example.com' });
});

test('Should add the CORS headers to the response of an allowed actual request', () => {
  const d = evaluateCors(POLICY, requestHead('/', { headers: [['origin', 'https://app.example.com']] }));
  assert.equal(d.kind, 'actual');
  const headers = new HeaderMap(['content-type', 'text/html']);
  if (d.kind === 'actual') applyCorsResponseHeaders(POLICY, d.origin, headers);
  assert.equal(headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(headers.get('access-control-allow-credentials'), 'true');
  assert.equal(headers.get('access-control-expose-headers'), 'x-request-id');
});

test("Should prefer the route's CORS policy over the virtual host's", () => {
  const other: CorsPolicy = { allowOrigins: [] };
  assert.equal(resolveCorsPolicy({ cors: POLICY }, { cors: other }), POLICY);
  assert.equal(resolveCorsPolicy({}, { cors: other }), other);
});
