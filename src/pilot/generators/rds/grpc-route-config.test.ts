import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualServiceSpec } from '../../../api/index.js';
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import { grpcDecodeRouteConfiguration } from './grpc-xds-decoders.js';
import { createGrpcRdsGenerator } from './rds-generator.js';
import { fakeProxy, kubeService, port, testPush, virtualService } from './testing.js';

const client = fakeProxy({ generator: 'grpc', id: 'grpc-client' });
const ECHO = 'echo.default.svc.cluster.local';
const services = [kubeService('echo', [port(7070, 'GRPC', 'grpc')])];

/** Generates the route configuration for `name`, and checks that grpc-js-xds accepts it. */
function generate(spec: VirtualServiceSpec | undefined, name = `${ECHO}:7070`): { rc: RouteConfiguration; decoded: Record<string, unknown> } {
  const push = testPush({ services, resources: spec ? [virtualService('echo', spec)] : [] });
  const [res] = createGrpcRdsGenerator().generate(client, push, [name]);
  assert.ok(res, `no route configuration for ${name}`);
  const result = grpcDecodeRouteConfiguration(res.resource);
  assert.equal(result.error, undefined);
  assert.equal(result.name, name);
  return { rc: res.message as RouteConfiguration, decoded: result.value! };
}

const routesOf = (rc: RouteConfiguration) => rc.virtual_hosts?.[0]?.routes ?? [];

test('Should give a gRPC client one virtual host whose domains include the dialled name, with port forms', () => {
  const { rc } = generate(undefined, 'echo:7070');
  assert.equal(rc.name, 'echo:7070');
  assert.equal(rc.virtual_hosts?.length, 1);
  assert.deepEqual(rc.virtual_hosts?.[0]?.domains, [`${ECHO}`, `${ECHO}:7070`, 'echo', 'echo:7070', 'echo.default.svc', 'echo.default.svc:7070', 'echo.default', 'echo.default:7070']);
  assert.equal(routesOf(rc)[0]?.route?.cluster, `outbound|7070||${ECHO}`);
});

test('Should send grpc-js-xds a weighted split it accepts', () => {
  const { rc } = generate({ hosts: ['echo'], http: [{ route: [{ destination: { host: 'echo', subset: 'v1' }, weight: 80 }, { destination: { host: 'echo', subset: 'v2' }, weight: 20 }] }] });
  assert.deepEqual(routesOf(rc)[0]?.route?.weighted_clusters?.clusters?.map((c) => c.weight?.value), [80, 20]);
});

test('Should send grpc-js-xds a header match it accepts', () => {
  const { rc } = generate({ hosts: ['echo'], http: [{ match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: 'echo', subset: 'v2' } }] }, { route: [{ destination: { host: 'echo', subset: 'v1' } }] }] });
  assert.deepEqual(routesOf(rc)[0]?.match?.headers, [{ name: 'x-canary', string_match: { exact: 'yes' } }]);
});

test('Should give gRPC clients the timeout as max_stream_duration', () => {
  const { rc } = generate({ hosts: ['echo'], http: [{ timeout: '500ms', route: [{ destination: { host: 'echo' } }] }] });
  const action = routesOf(rc)[0]?.route;
  assert.deepEqual(action?.max_stream_duration, { max_stream_duration: { seconds: 0, nanos: 500_000_000 }, grpc_timeout_header_max: { seconds: 0, nanos: 500_000_000 } });
  assert.equal(action?.timeout, undefined);
});

test('Should give gRPC clients a retry policy on gRPC statuses only', () => {
  const { rc } = generate({ hosts: ['echo'], http: [{ retries: { attempts: 3, retryOn: 'unavailable,5xx' }, route: [{ destination: { host: 'echo' } }] }] });
  assert.deepEqual(routesOf(rc)[0]?.route?.retry_policy, { retry_on: 'unavailable', num_retries: { value: 3 }, retry_back_off: { base_interval: { seconds: 0, nanos: 25_000_000 } } });
});

test('Should send grpc-js-xds fault injection keyed by the fault filter\'s name', () => {
  const { rc } = generate({ hosts: ['echo'], http: [{ fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 50 } }, delay: { fixedDelay: '1s', percentage: { value: 100 } } }, route: [{ destination: { host: 'echo' } }] }] });
  assert.deepEqual(Object.keys(routesOf(rc)[0]?.typed_per_filter_config ?? {}), ['envoy.filters.http.fault']);
});

test('Should leave out what grpc-js-xds cannot follow: redirects, direct responses, query matches and CORS', () => {
  const { rc } = generate({
    hosts: ['echo'],
    http: [
      { match: [{ uri: { prefix: '/a' } }], redirect: { uri: '/b' } },
      { match: [{ uri: { prefix: '/c' } }], directResponse: { status: 503 } },
      { match: [{ queryParams: { q: { exact: '1' } } }], route: [{ destination: { host: 'echo', subset: 'q' } }] },
      { corsPolicy: { allowOrigins: [{ exact: 'https://a.example.com' }] }, headers: { request: { set: { 'x-a': '1' } } }, mirror: { host: 'echo', subset: 'm' }, route: [{ destination: { host: 'echo' } }] },
    ],
  });
  const routes = routesOf(rc);
  assert.equal(routes.length, 1);
  assert.equal(routes[0]?.typed_per_filter_config, undefined);
  assert.equal(routes[0]?.request_headers_to_add, undefined);
  assert.equal(routes[0]?.route?.request_mirror_policies, undefined);
});

test('Should generate nothing for a target that is no visible service port', () => {
  const push = testPush({ services });
  assert.deepEqual(createGrpcRdsGenerator().generate(client, push, ['nope:7070', `${ECHO}:9999`]), []);
});

test('Should answer a wildcard RDS request from a gRPC client with a configuration per visible service port, all accepted by grpc-js-xds', () => {
  const push = testPush({ services: [...services, kubeService('other', [port(9000, 'GRPC', 'grpc')], 'prod')] });
  const all = createGrpcRdsGenerator().generate(client, push, undefined);
  assert.deepEqual(all.map((r) => r.name), [`${ECHO}:7070`, 'other.prod.svc.cluster.local:9000']);
  for (const r of all) assert.equal(grpcDecodeRouteConfiguration(r.resource).error, undefined);
});
