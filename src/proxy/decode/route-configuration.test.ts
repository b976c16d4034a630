import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import type { Route, RouteAction, RouteConfig } from '../config/route.js';
import { decodeRouteConfiguration } from './route-configuration.js';
import { pack, productpageResources, type Json } from './testing.js';

const FAULT = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';
const CORS = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy';

function routeConfig(routes: Json[], vhost: { [key: string]: Json } = {}): AnyMessage {
  return pack('envoy.config.route.v3.RouteConfiguration', { name: '80', virtual_hosts: [{ name: 'v', domains: ['*'], routes, ...vhost }] });
}

function route(action: { [key: string]: Json }, extra: { [key: string]: Json } = {}): Json {
  return { match: { prefix: '/' }, route: action, ...extra };
}

function decoded(any: AnyMessage): RouteConfig {
  const r = decodeRouteConfiguration(any);
  assert.ok(r.valid, r.valid ? '' : r.errors.join('\n'));
  return r.result;
}

function firstRoute(any: AnyMessage): Route {
  const r = decoded(any).virtualHosts[0]?.routes[0];
  assert.ok(r);
  return r;
}

function actionOf(r: Route): RouteAction {
  assert.equal(r.action.kind, 'route');
  return r.action;
}

function errorsOf(any: AnyMessage): string[] {
  const r = decodeRouteConfiguration(any);
  assert.equal(r.valid, false, 'expected the route configuration to be rejected');
  return r.valid ? [] : r.errors;
}

test('Should decode the route configuration Pilot generates for port 9080', () => {
  const [any] = productpageResources().routes;
  assert.ok(any);
  const rc = decoded(any);
  assert.equal(rc.name, '9080');
  assert.equal(rc.ignorePortInHostMatching, true);
  const byName = new Map(rc.virtualHosts.map((v) => [v.name, v]));
  const reviews = actionOf(byName.get('reviews.default.svc.cluster.local:9080')?.routes[0] as Route);
  assert.deepEqual(reviews.clusters.map((c) => [c.name, c.weight]), [['outbound|9080|v1|reviews.default.svc.cluster.local', 80], ['outbound|9080|v2|reviews.default.svc.cluster.local', 20]]);
  assert.equal(reviews.totalWeight, 100);
  assert.equal(reviews.retryPolicy?.numRetries, 2);
  assert.deepEqual([...(reviews.retryPolicy?.retryOn ?? [])], ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes']);
  assert.equal(reviews.retryPolicy?.avoidPreviousHosts, true);
  assert.equal(reviews.retryPolicy?.hostSelectionRetryMaxAttempts, 5);

  const ratings = byName.get('ratings.default.svc.cluster.local:9080');
  const [jason, rest] = ratings?.routes ?? [];
  assert.deepEqual(jason?.match.headers, [{ name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: false }]);
  assert.deepEqual(jason?.fault, { delay: { fixedDelayMs: 7000, percentagePpm: 1_000_000 } });
  const restAction = actionOf(rest as Route);
  assert.equal(restAction.timeoutMs, 3000);
  assert.equal(restAction.retryPolicy?.perTryTimeoutMs, 1000);
  assert.deepEqual(restAction.mirrors, [{ cluster: 'outbound|9080||details.default.svc.cluster.local', fractionPpm: 500_000 }]);
  assert.equal(restAction.grpcTimeoutHeaderMaxMs, 3000);

  const details = actionOf(byName.get('details.default.svc.cluster.local:9080')?.routes[0] as Route);
  assert.deepEqual(details.hashPolicies, [{ kind: 'header', name: 'x-user', terminal: false }]);
  assert.deepEqual(byName.get('allow_any')?.domains, ['*']);
});

test("Should apply Envoy's route defaults", () => {
  const a = actionOf(firstRoute(routeConfig([route({ cluster: 'c', retry_policy: { retry_on: '5xx' } })])));
  assert.deepEqual(a.clusters.map((c) => [c.name, c.weight]), [['c', 1]]);
  assert.equal(a.totalWeight, 1);
  assert.equal(a.timeoutMs, 15_000, 'an absent timeout is 15 s');
  assert.equal(a.retryPolicy?.numRetries, 1);
  assert.equal(a.retryPolicy?.backoffBaseMs, 25);
  assert.equal(a.retryPolicy?.backoffMaxMs, 250);
  assert.equal(a.autoHostRewrite, false);
  const r = firstRoute(routeConfig([route({ cluster: 'c' })]));
  assert.equal(r.match.caseSensitive, true);
});

test('Should keep a zero timeout as disabled and scale the retry backoff from its base', () => {
  const a = actionOf(firstRoute(routeConfig([route({ cluster: 'c', timeout: {}, retry_policy: { retry_on: '5xx', retry_back_off: { base_interval: { nanos: 100_000_000 } } } })])));
  assert.equal(a.timeoutMs, 0);
  assert.equal(a.retryPolicy?.backoffBaseMs, 100);
  assert.equal(a.retryPolicy?.backoffMaxMs, 1000);
});

const PERCENTS: ReadonlyArray<[string, number, number]> = [['HUNDRED', 50, 500_000], ['TEN_THOUSAND', 5, 500], ['MILLION', 250_000, 250_000], ['HUNDRED', 200, 1_000_000]];
for (const [denominator, numerator, ppm] of PERCENTS) {
  test(`Should turn ${numerator}/${denominator} into ${ppm} parts per million`, () => {
    const r = firstRoute(routeConfig([route({ cluster: 'c' }, {
      typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': FAULT, abort: { http_status: 503, percentage: { numerator, denominator } } } },
    })]));
    assert.deepEqual(r.fault, { abort: { httpStatus: 503, percentagePpm: ppm } });
  });
}

test('Should take CORS from the per-filter config of a route and from the legacy field of a virtual host', () => {
  const rc = decoded(routeConfig([route({ cluster: 'c' }, {
    typed_per_filter_config: { 'envoy.filters.http.cors': { '@type': CORS, allow_origin_string_match: [{ exact: 'https://a.example' }], allow_methods: 'GET,POST', allow_credentials: { value: true } } },
  })], { cors: { allow_origin_string_match: [{ safe_regex: { regex: 'https://.*\\.example' } }], max_age: '60' } }));
  const vh = rc.virtualHosts[0];
  assert.deepEqual(vh?.routes[0]?.cors, { allowOrigins: [{ kind: 'exact', value: 'https://a.example', ignoreCase: false }], allowMethods: 'GET,POST', allowCredentials: true });
  assert.deepEqual(vh?.cors, { allowOrigins: [{ kind: 'regex', value: 'https://.*\\.example' }], maxAge: '60' });
});

test('Should decode match conditions, header mutations, redirects and direct responses', () => {
  const rc = decoded(routeConfig([
    {
      match: { safe_regex: { regex: '/api/v[0-9]+' }, case_sensitive: { value: false }, headers: [{ name: 'X-Env', present_match: true, invert_match: true }, { name: 'x-b', string_match: { exact: 'x' }, invert_match: true, treat_missing_header_as_empty: true }], query_parameters: [{ name: 'q', string_match: { prefix: 'a' } }, { name: 'p', present_match: true }] },
      route: { cluster: 'c', prefix_rewrite: '/v2', host_rewrite_literal: 'h.example' },
      request_headers_to_add: [{ header: { key: 'X-Add', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
      response_headers_to_remove: ['Server'],
    },
    { match: { path: '/old' }, redirect: { https_redirect: true, path_redirect: '/new', response_code: 'PERMANENT_REDIRECT' } },
    { match: { prefix: '/health' }, direct_response: { status: 200, body: { inline_string: 'ok' } } },
  ]));
  const [first, redirect, direct] = rc.virtualHosts[0]?.routes ?? [];
  assert.deepEqual(first?.match.path, { kind: 'regex', value: '/api/v[0-9]+' });
  assert.equal(first?.match.caseSensitive, false);
  assert.deepEqual(first?.match.headers, [
    { name: 'x-env', match: { kind: 'present' }, invert: true },
    { name: 'x-b', match: { kind: 'exact', value: 'x', ignoreCase: false }, invert: true, treatMissingAsEmpty: true },
  ]);
  assert.deepEqual(first?.match.queryParameters, [{ name: 'q', match: { kind: 'prefix', value: 'a', ignoreCase: false } }, { name: 'p', match: { kind: 'present' } }]);
  assert.deepEqual(first?.headers.requestHeadersToAdd, [{ name: 'x-add', value: '1', action: 'overwrite' }]);
  assert.deepEqual(first?.headers.responseHeadersToRemove, ['server']);
  const a = actionOf(first as Route);
  assert.equal(a.prefixRewrite, '/v2');
  assert.equal(a.hostRewrite, 'h.example');
  assert.deepEqual(redirect?.action, { kind: 'redirect', scheme: 'https', path: '/new', responseCode: 308, stripQuery: false });
  assert.deepEqual(direct?.action, { kind: 'direct_response', status: 200, body: 'ok' });
});

const ERROR_CASES: ReadonlyArray<{ name: string; routes: Json[]; expect: RegExp }> = [
  { name: 'a route without an action', routes: [{ match: { prefix: '/' } }], expect: /^virtual_hosts\[0\]\.routes\[0\]: no action set/ },
  { name: 'a cluster_header route', routes: [route({ cluster_header: 'x-cluster' })], expect: /^virtual_hosts\[0\]\.routes\[0\]\.route\.cluster_header: not supported$/ },
  { name: 'a path regex that is not RE2', routes: [{ match: { safe_regex: { regex: '/(a' } }, route: { cluster: 'c' } }], expect: /^virtual_hosts\[0\]\.routes\[0\]\.match\.safe_regex\.regex: invalid RE2 regex/ },
  { name: 'a header regex that RE2 refuses', routes: [{ match: { prefix: '/', headers: [{ name: 'x', string_match: { safe_regex: { regex: '(?=look)' } } }] }, route: { cluster: 'c' } }], expect: /match\.headers\[0\]\.string_match\.safe_regex\.regex: invalid RE2 regex/ },
  { name: 'weights that sum to zero', routes: [route({ weighted_clusters: { clusters: [{ name: 'a', weight: { value: 0 } }] } })], expect: /weighted_clusters: total weight must be greater than 0/ },
  {
    name: 'an RBAC per-route config with a filter_state principal',
    routes: [route({ cluster: 'c' }, { typed_per_filter_config: { rbac: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute', rbac: { rules: { policies: { p: { permissions: [{ any: true }], principals: [{ filter_state: { key: 'k', string_match: { exact: 'v' } } }] } } } } } } })],
    expect: /typed_per_filter_config\[rbac\]\.rbac\.rules\.policies\[p\]\.principals\[0\]\.filter_state: not supported$/,
  },
  { name: 'a JWT claim match', routes: [{ match: { prefix: '/', dynamic_metadata: [{ filter: 'envoy.filters.http.jwt_authn', path: [{ key: 'claims' }], value: { present_match: true } }] }, route: { cluster: 'c' } }], expect: /match\.dynamic_metadata: not supported yet/ },
];

for (const c of ERROR_CASES) {
  test(`Should reject ${c.name} with the field path`, () => {
    const errors = errorsOf(routeConfig(c.routes));
    assert.ok(errors.some((e) => c.expect.test(e)), `got:\n${errors.join('\n')}`);
  });
}

test('Should collect the errors of every route', () => {
  const errors = errorsOf(routeConfig([{ match: { prefix: '/' } }, route({ cluster: 'ok' }), route({ cluster_header: 'x' })]));
  assert.equal(errors.length, 2, errors.join('\n'));
});

test('Should keep require_tls ALL on a virtual host, as Istio sets it for httpsRedirect servers, and refuse EXTERNAL_ONLY', () => {
  assert.equal(decoded(routeConfig([route({ cluster: 'c' })], { require_tls: 'ALL' })).virtualHosts[0]?.requireTls, 'ALL');
  assert.equal(decoded(routeConfig([route({ cluster: 'c' })])).virtualHosts[0]?.requireTls, undefined);
  assert.match(errorsOf(routeConfig([route({ cluster: 'c' })], { require_tls: 'EXTERNAL_ONLY' })).join('\n'), /require_tls/);
});
