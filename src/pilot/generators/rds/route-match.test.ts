import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewsRoutes } from './testing.js';

const to = (subset: string) => [{ destination: { host: 'reviews', subset } }];

test('Should translate uri exact, prefix and regex matches into path, prefix and RE2 safe_regex', () => {
  const routes = reviewsRoutes({
    hosts: ['reviews'],
    http: [
      { match: [{ uri: { exact: '/login' } }], route: to('a') },
      { match: [{ uri: { prefix: '/api/' } }], route: to('b') },
      { match: [{ uri: { regex: '/v[0-9]+/.*' } }], route: to('c') },
    ],
  });
  assert.equal(routes[0]?.match?.path, '/login');
  assert.equal(routes[0]?.match?.prefix, undefined);
  assert.equal(routes[1]?.match?.prefix, '/api/');
  assert.deepEqual(routes[2]?.match?.safe_regex, { google_re2: {}, regex: '/v[0-9]+/.*' });
});

test('Should translate header matches to string_match, and an empty match or regex "*" to present_match', () => {
  const [route] = reviewsRoutes({
    hosts: ['reviews'],
    http: [{ match: [{ headers: { 'x-b': { prefix: 'pre' }, 'x-a': { exact: 'one' }, 'x-c': { regex: 'a.*z' }, 'x-d': {}, 'x-e': { regex: '*' } } }], route: to('v1') }],
  });
  assert.deepEqual(route?.match?.headers, [
    { name: 'x-a', string_match: { exact: 'one' } },
    { name: 'x-b', string_match: { prefix: 'pre' } },
    { name: 'x-c', string_match: { safe_regex: { google_re2: {}, regex: 'a.*z' } } },
    { name: 'x-d', present_match: true },
    { name: 'x-e', present_match: true },
  ]);
});

test('Should invert withoutHeaders matches and treat a missing header as empty', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ match: [{ withoutHeaders: { 'x-canary': { exact: 'true' }, 'x-debug': {} } }], route: to('v1') }] });
  assert.deepEqual(route?.match?.headers, [
    { name: 'x-canary', string_match: { exact: 'true' }, invert_match: true, treat_missing_header_as_empty: true },
    { name: 'x-debug', present_match: true, invert_match: true },
  ]);
});

test('Should match method, authority and scheme as the :method, :authority and :scheme pseudo-headers', () => {
  const [route] = reviewsRoutes({
    hosts: ['reviews'],
    http: [{ match: [{ method: { exact: 'POST' }, authority: { prefix: 'reviews' }, scheme: { exact: 'https' }, headers: { 'x-a': { exact: '1' } } }], route: to('v1') }],
  });
  assert.deepEqual(route?.match?.headers?.map((h) => h.name), ['x-a', ':method', ':authority', ':scheme']);
  assert.deepEqual(route?.match?.headers?.[1], { name: ':method', string_match: { exact: 'POST' } });
  assert.deepEqual(route?.match?.headers?.[2], { name: ':authority', string_match: { prefix: 'reviews' } });
});

test('Should translate queryParams into query parameter matchers, sorted by name', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ match: [{ queryParams: { version: { exact: 'v2' }, debug: {}, id: { regex: '\\d+' } } }], route: to('v1') }] });
  assert.deepEqual(route?.match?.query_parameters, [
    { name: 'debug', present_match: true },
    { name: 'id', string_match: { safe_regex: { google_re2: {}, regex: '\\d+' } } },
    { name: 'version', string_match: { exact: 'v2' } },
  ]);
});

test('Should make the path match case-insensitive when ignoreUriCase is set, and sensitive otherwise', () => {
  const routes = reviewsRoutes({
    hosts: ['reviews'],
    http: [
      { match: [{ uri: { prefix: '/API' }, ignoreUriCase: true }], route: to('a') },
      { match: [{ uri: { prefix: '/b' } }], route: to('b') },
    ],
  });
  assert.deepEqual(routes[0]?.match?.case_sensitive, { value: false });
  assert.deepEqual(routes[1]?.match?.case_sensitive, { value: true });
});

test('Should AND conditions inside one match block and OR separate blocks into separate routes with the same action', () => {
  const routes = reviewsRoutes({
    hosts: ['reviews'],
    http: [{ name: 'canary', match: [{ name: 'by-user', headers: { user: { exact: 'jason' } }, uri: { prefix: '/r' } }, { name: 'by-cookie', headers: { cookie: { regex: '.*canary.*' } } }], route: to('v2') }, { route: to('v1') }],
  });
  assert.equal(routes.length, 3);
  assert.equal(routes[0]?.name, 'canary.by-user');
  assert.equal(routes[0]?.match?.prefix, '/r');
  assert.equal(routes[0]?.match?.headers?.length, 1);
  assert.equal(routes[1]?.name, 'canary.by-cookie');
  assert.equal(routes[0]?.route?.cluster, 'outbound|9080|v2|reviews.default.svc.cluster.local');
  assert.equal(routes[1]?.route?.cluster, 'outbound|9080|v2|reviews.default.svc.cluster.local');
  assert.equal(routes[2]?.route?.cluster, 'outbound|9080|v1|reviews.default.svc.cluster.local');
});

test('Should route on JWT claims through dynamic metadata from request authentication', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ match: [{ headers: { '@request.auth.claims.groups': { exact: 'admin' } } }], route: to('v2') }] });
  assert.equal(route?.match?.headers, undefined);
  assert.deepEqual(route?.match?.dynamic_metadata, [
    {
      filter: 'istio_authn',
      path: [{ key: 'request.auth.claims' }, { key: 'groups' }],
      value: { list_match: { one_of: { string_match: { exact: 'admin' } } } },
    },
  ]);
});
