import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import { packAny, unpackAny } from '../../../xds/index.js';
import { HTTP_FAULT_TYPE, FAULT_FILTER_NAME } from './fault.js';
import { encodeRouteConfiguration, routeConfigurationResource } from './route-config-encoding.js';

const MESSAGE = 'envoy.config.route.v3.RouteConfiguration';

const shared: Route[] = [
  {
    name: 'canary',
    match: { prefix: '/api', headers: [{ name: 'x-canary', string_match: { exact: 'yes' } }] },
    route: { weighted_clusters: { clusters: [{ name: 'outbound|9080|v1|reviews', weight: { value: 90 } }, { name: 'outbound|9080|v2|reviews', weight: { value: 10 } }] } },
    typed_per_filter_config: { [FAULT_FILTER_NAME]: packAny(HTTP_FAULT_TYPE, { abort: { http_status: 503, percentage: { numerator: 10 } } }) },
  },
  { name: 'default', match: { prefix: '/' }, route: { cluster: 'outbound|9080||reviews', timeout: { seconds: 5 } } },
];

const rc = (): RouteConfiguration => ({
  name: '9080',
  virtual_hosts: [
    { name: 'reviews:9080', domains: ['reviews', 'reviews.default'], routes: shared, include_request_attempt_count: true },
    { name: 'reviews-alias:9080', domains: ['reviews-alias'], routes: shared, include_request_attempt_count: true },
    { name: 'allow_any', domains: ['*'], routes: [{ name: 'allow_any', match: { prefix: '/' }, route: { cluster: 'PassthroughCluster' } }] },
    { name: 'empty', domains: ['empty'] },
  ],
  validate_clusters: { value: false },
  ignore_port_in_host_matching: true,
});

test('Should encode a route configuration that decodes to what the plain encoding decodes to', () => {
  const plain = unpackAny(packAny(MESSAGE, rc()));
  const resource = routeConfigurationResource(rc());
  assert.equal(resource.name, '9080');
  assert.equal(resource.resource.type_url, `type.googleapis.com/${MESSAGE}`);
  assert.deepEqual(unpackAny(resource.resource), plain);
  assert.deepEqual(unpackAny({ type_url: resource.resource.type_url, value: encodeRouteConfiguration(rc()) }), plain);
});

test('Should encode a changed virtual host anew while its routes are the same list', () => {
  const changed = rc();
  changed.virtual_hosts![0] = { ...changed.virtual_hosts![0], domains: ['reviews.prod'] };
  encodeRouteConfiguration(rc());
  const decoded = unpackAny<RouteConfiguration>({ type_url: `type.googleapis.com/${MESSAGE}`, value: encodeRouteConfiguration(changed) });
  assert.deepEqual(decoded.virtual_hosts?.[0]?.domains, ['reviews.prod']);
  assert.deepEqual(decoded, unpackAny(packAny(MESSAGE, changed)));
});
