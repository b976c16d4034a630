import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import { destinationRule, http, kubeService, reviewsRoutes } from './testing.js';

const REVIEWS = 'reviews.default.svc.cluster.local';

test('Should send a lone destination to one cluster, whatever its weight', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 30 }] }] });
  assert.equal(route?.route?.cluster, `outbound|9080|v1|${REVIEWS}`);
  assert.equal(route?.route?.weighted_clusters, undefined);
});

test('Should keep relative weights as given and drop zero-weight destinations from weighted clusters', () => {
  const [route] = reviewsRoutes({
    hosts: ['reviews'],
    http: [{ route: [
      { destination: { host: 'reviews', subset: 'v1' }, weight: 3 },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 0 },
      { destination: { host: 'reviews', subset: 'v3' }, weight: 1 },
    ] }],
  });
  assert.deepEqual(route?.route?.weighted_clusters, {
    clusters: [
      { name: `outbound|9080|v1|${REVIEWS}`, weight: { value: 3 } },
      { name: `outbound|9080|v3|${REVIEWS}`, weight: { value: 1 } },
    ],
  });
});

test('Should resolve short destination hosts in the VirtualService namespace, and name.namespace to a known service', () => {
  const [route] = reviewsRoutes(
    { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'ratings' }, weight: 50 }, { destination: { host: 'details.prod' }, weight: 50 }] }] },
    { services: [kubeService('details', [http(9080)], 'prod')] },
  );
  assert.deepEqual(route?.route?.weighted_clusters?.clusters?.map((c) => c.name), [
    'outbound|9080||ratings.default.svc.cluster.local',
    'outbound|9080||details.prod.svc.cluster.local',
  ]);
});

test('Should pick the destination port, else the service\'s only port, else the listener port', () => {
  const services = [kubeService('single', [http(7000)]), kubeService('multi', [http(7000), http(7001)])];
  const routes = reviewsRoutes(
    {
      hosts: ['reviews'],
      http: [
        { match: [{ uri: { prefix: '/a' } }], route: [{ destination: { host: 'multi', port: { number: 7001 } } }] },
        { match: [{ uri: { prefix: '/b' } }], route: [{ destination: { host: 'single' } }] },
        { match: [{ uri: { prefix: '/c' } }], route: [{ destination: { host: 'multi' } }] },
        { route: [{ destination: { host: 'unknown.example.com' } }] },
      ],
    },
    { services },
  );
  assert.deepEqual(routes.map((r) => r.route?.cluster), [
    'outbound|7001||multi.default.svc.cluster.local',
    'outbound|7000||single.default.svc.cluster.local',
    'outbound|9080||multi.default.svc.cluster.local',
    'outbound|9080||unknown.example.com',
  ]);
});

test('Should stop translating after a catch-all route, since nothing after it can match', () => {
  const routes = reviewsRoutes({
    hosts: ['reviews'],
    http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'reviews', subset: 'v1' } }] }, { route: [{ destination: { host: 'reviews', subset: 'v2' } }] }],
  });
  assert.equal(routes.length, 1);
});

test('Should rewrite the path prefix and the authority', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ match: [{ uri: { prefix: '/old' } }], rewrite: { uri: '/new', authority: 'reviews.internal' }, route: [{ destination: { host: 'reviews' } }] }] });
  assert.equal(route?.route?.prefix_rewrite, '/new');
  assert.equal(route?.route?.host_rewrite_literal, 'reviews.internal');
});

test('Should rewrite the path with an RE2 regex substitution', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ rewrite: { uriRegexRewrite: { match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1' } }, route: [{ destination: { host: 'reviews' } }] }] });
  assert.deepEqual(route?.route?.regex_rewrite, { pattern: { google_re2: {}, regex: '^/service/([^/]+)(/.*)$' }, substitution: '\\2/instance/\\1' });
  assert.equal(route?.route?.prefix_rewrite, undefined);
});

test('Should set, add and remove request and response headers, and treat setting :authority as a host rewrite', () => {
  const [route] = reviewsRoutes({
    hosts: ['reviews'],
    http: [{
      headers: { request: { set: { 'x-b': '2', 'x-a': '1', ':authority': 'rewritten' }, add: { 'x-c': '3' }, remove: ['x-old', ':path'] }, response: { set: { 'x-resp': 'yes' }, remove: ['server'] } },
      route: [{ destination: { host: 'reviews' } }],
    }],
  });
  assert.deepEqual(route?.request_headers_to_add, [
    { header: { key: 'x-a', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
    { header: { key: 'x-b', value: '2' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
    { header: { key: 'x-c', value: '3' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
  ]);
  assert.deepEqual(route?.request_headers_to_remove, ['x-old']);
  assert.deepEqual(route?.response_headers_to_add, [{ header: { key: 'x-resp', value: 'yes' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }]);
  assert.deepEqual(route?.response_headers_to_remove, ['server']);
  assert.equal(route?.route?.host_rewrite_literal, 'rewritten');
});

test('Should put a weighted destination\'s own headers on its cluster weight', () => {
  const [route] = reviewsRoutes({
    hosts: ['reviews'],
    http: [{ route: [
      { destination: { host: 'reviews', subset: 'v1' }, weight: 50, headers: { request: { set: { 'x-version': 'v1' } } } },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 50 },
    ] }],
  });
  assert.deepEqual(route?.route?.weighted_clusters?.clusters?.[0]?.request_headers_to_add, [{ header: { key: 'x-version', value: 'v1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }]);
  assert.equal(route?.route?.weighted_clusters?.clusters?.[1]?.request_headers_to_add, undefined);
});

test('Should redirect with Istio\'s response codes and never write a scheme\'s default port', () => {
  const routes = reviewsRoutes({
    hosts: ['reviews'],
    http: [
      { match: [{ uri: { exact: '/a' } }], redirect: { uri: '/b', authority: 'new.example.com' } },
      { match: [{ uri: { exact: '/c' } }], redirect: { uri: '/d', redirectCode: 308, scheme: 'https', port: 8443 } },
      { match: [{ uri: { exact: '/e' } }], redirect: { uri: '/f', redirectCode: 302, derivePort: 'FROM_REQUEST_PORT' } },
      { match: [{ uri: { exact: '/g' } }], redirect: { uri: '/h', scheme: 'http', port: 80 } },
    ],
  });
  assert.deepEqual(routes[0]?.redirect, { response_code: 'MOVED_PERMANENTLY', host_redirect: 'new.example.com', path_redirect: '/b' });
  assert.deepEqual(routes[1]?.redirect, { response_code: 'PERMANENT_REDIRECT', path_redirect: '/d', scheme_redirect: 'https', port_redirect: 8443 });
  assert.deepEqual(routes[2]?.redirect, { response_code: 'FOUND', path_redirect: '/f', port_redirect: 9080 });
  assert.deepEqual(routes[3]?.redirect, { response_code: 'MOVED_PERMANENTLY', path_redirect: '/h', scheme_redirect: 'http' });
  assert.equal(routes[0]?.route, undefined);
});

test('Should answer a directResponse with its status and inline body', () => {
  const routes = reviewsRoutes({
    hosts: ['reviews'],
    http: [
      { match: [{ uri: { exact: '/teapot' } }], directResponse: { status: 418, body: { string: 'short and stout' } } },
      { match: [{ uri: { exact: '/bin' } }], directResponse: { status: 200, body: { bytes: Buffer.from('raw').toString('base64') } } },
      { directResponse: { status: 503 } },
    ],
  });
  assert.deepEqual(routes[0]?.direct_response, { status: 418, body: { inline_string: 'short and stout' } });
  assert.deepEqual(routes[1]?.direct_response?.body, { inline_bytes: Buffer.from('raw') });
  assert.deepEqual(routes[2]?.direct_response, { status: 503 });
});

test('Should mirror to the mirror destinations with their percentages, 100% by default and none at 0%', () => {
  const [route] = reviewsRoutes({
    hosts: ['reviews'],
    http: [{
      route: [{ destination: { host: 'reviews', subset: 'v1' } }],
      mirror: { host: 'reviews', subset: 'v2' },
      mirrorPercentage: { value: 12.5 },
      mirrors: [{ destination: { host: 'ratings' } }, { destination: { host: 'ratings', subset: 'none' }, percentage: { value: 0 } }],
    }],
  });
  assert.deepEqual(route?.route?.request_mirror_policies, [
    { cluster: `outbound|9080|v2|${REVIEWS}`, runtime_fraction: { default_value: { numerator: 125_000, denominator: 'MILLION' } }, trace_sampled: { value: false } },
    { cluster: 'outbound|9080||ratings.default.svc.cluster.local', runtime_fraction: { default_value: { numerator: 100, denominator: 'HUNDRED' } }, trace_sampled: { value: false } },
  ]);
});

test('Should inject a fixed delay and an HTTP abort through the fault filter, per million', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ fault: { delay: { fixedDelay: '1.5s', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 0.1 } } }, route: [{ destination: { host: 'reviews' } }] }] });
  const any = route?.typed_per_filter_config?.['envoy.filters.http.fault'] as AnyMessage | undefined;
  assert.ok(any);
  assert.equal(any.type_url, 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault');
  const fault = unpackAny<{ delay: Record<string, unknown>; abort: Record<string, unknown> }>(any);
  assert.deepEqual(fault.delay.fixed_delay, { seconds: '1', nanos: 500_000_000 });
  assert.deepEqual(fault.delay.percentage, { numerator: 100_000, denominator: 'MILLION' });
  assert.equal(fault.abort.http_status, 503);
  assert.deepEqual(fault.abort.percentage, { numerator: 1000, denominator: 'MILLION' });
});

test('Should abort with a gRPC status by name, and count a missing percentage as none', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ fault: { abort: { grpcStatus: 'UNAVAILABLE' } }, route: [{ destination: { host: 'reviews' } }] }] });
  const fault = unpackAny<{ abort: Record<string, unknown>; delay: unknown }>(route!.typed_per_filter_config!['envoy.filters.http.fault'] as AnyMessage);
  assert.equal(fault.abort.grpc_status, 14);
  assert.deepEqual(fault.abort.percentage, { numerator: 0, denominator: 'MILLION' });
  assert.equal(fault.delay, null);
});

test('Should set the route timeout, off (0s) when none is given', () => {
  const routes = reviewsRoutes({ hosts: ['reviews'], http: [{ match: [{ uri: { prefix: '/slow' } }], timeout: '250ms', route: [{ destination: { host: 'reviews' } }] }, { route: [{ destination: { host: 'reviews' } }] }] });
  assert.deepEqual(routes[0]?.route?.timeout, { seconds: 0, nanos: 250_000_000 });
  assert.deepEqual(routes[0]?.route?.max_stream_duration, { grpc_timeout_header_max: { seconds: 0, nanos: 250_000_000 } });
  assert.deepEqual(routes[1]?.route?.timeout, { seconds: 0 });
});

test('Should disable the timeout and retries of a route that injects faults', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ timeout: '1s', retries: { attempts: 5 }, fault: { delay: { fixedDelay: '2s', percentage: { value: 100 } } }, route: [{ destination: { host: 'reviews' } }] }] });
  assert.deepEqual(route?.route?.timeout, { seconds: 0 });
  assert.equal(route?.route?.retry_policy, undefined);
});

test('Should attach a CORS policy through the CORS filter\'s per-route config', () => {
  const [route] = reviewsRoutes({
    hosts: ['reviews'],
    http: [{
      corsPolicy: { allowOrigins: [{ exact: 'https://a.example.com' }, { regex: 'https://.*\\.b\\.com' }], allowMethods: ['GET', 'POST'], allowHeaders: ['x-a'], exposeHeaders: ['x-b'], maxAge: '24h', allowCredentials: true },
      route: [{ destination: { host: 'reviews' } }],
    }],
  });
  const cors = unpackAny<Record<string, unknown> & { allow_origin_string_match: { exact?: string; safe_regex?: { regex: string } }[] }>(
    route!.typed_per_filter_config!['envoy.filters.http.cors'] as AnyMessage,
  );
  assert.equal(cors.allow_origin_string_match[0]?.exact, 'https://a.example.com');
  assert.equal(cors.allow_origin_string_match[1]?.safe_regex?.regex, 'https://.*\\.b\\.com');
  assert.equal(cors.allow_methods, 'GET,POST');
  assert.equal(cors.allow_headers, 'x-a');
  assert.equal(cors.expose_headers, 'x-b');
  assert.equal(cors.max_age, '86400');
  assert.deepEqual(cors.allow_credentials, { value: true });
  assert.deepEqual(cors.forward_not_matching_preflights, { value: true });
});

test('Should hash on the DestinationRule\'s consistent-hash key, the subset\'s own policy winning', () => {
  const dr = destinationRule('reviews', {
    host: 'reviews.default.svc.cluster.local',
    trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } },
    subsets: [{ name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'session', ttl: '60s' } } } } }],
  });
  const routes = reviewsRoutes(
    { hosts: ['reviews'], http: [{ match: [{ uri: { prefix: '/v2' } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] }, { route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
    { resources: [dr] },
  );
  assert.deepEqual(routes[0]?.route?.hash_policy, [{ cookie: { name: 'session', ttl: { seconds: 60 } } }]);
  assert.deepEqual(routes[1]?.route?.hash_policy, [{ header: { header_name: 'x-user' } }]);
  assert.equal(routes[1]?.route?.retry_policy?.retry_host_predicate, undefined);
});
