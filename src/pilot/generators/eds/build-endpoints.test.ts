import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/endpoint-resource-type.js';
import type { XdsDecodeContext } from '@grpc/grpc-js-xds/build/src/xds-resource-type/xds-resource-type.js';
import type { ClusterLoadAssignment } from '../../../xds/generated/envoy/config/endpoint/v3/ClusterLoadAssignment.js';
import type { XdsResource } from '../generator.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import { createFakePushContext, fakeDestinationRule, fakeEndpoint, fakeProxy, fakeService } from '../shared/fake-push-context.js';
import { endpointGenerator } from './endpoint-generator.js';

const REVIEWS = 'reviews.default.svc.cluster.local';
const DEFAULT = `outbound|9080||${REVIEWS}`;
const reviews = fakeService(REVIEWS, [{ name: 'http', port: 9080, protocol: 'HTTP' }]);
const ENDPOINTS = [
  fakeEndpoint(REVIEWS, 9080, '10.1.0.1', { locality: 'us-east/us-east-1a/rack1', labels: { version: 'v1' }, workload: 'WorkloadEntry default/reviews-v1' }),
  fakeEndpoint(REVIEWS, 9080, '10.1.0.2', { locality: 'us-east/us-east-1a/rack1', labels: { version: 'v2' }, weight: 3 }),
  fakeEndpoint(REVIEWS, 9080, '10.1.0.3', { locality: 'eu-west/eu-west-1b', labels: { version: 'v2' }, tlsMode: 'disabled' }),
  fakeEndpoint(REVIEWS, 9080, '10.1.0.4', { labels: { version: 'v1' }, healthy: false }),
];
const RULE = fakeDestinationRule('reviews', { host: REVIEWS, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });

function assignments(names: readonly string[] | undefined, proxy: Proxy = fakeProxy(), push: PushContext = defaultPush()): ClusterLoadAssignment[] {
  return endpointGenerator.generate(proxy, push, names).map((r) => r.message as ClusterLoadAssignment);
}

function defaultPush(): PushContext {
  return createFakePushContext({ services: [reviews], endpoints: ENDPOINTS, destinationRules: [RULE] });
}

function addresses(cla: ClusterLoadAssignment | undefined): (string | undefined)[] {
  return (cla?.endpoints ?? []).flatMap((l) => (l.lb_endpoints ?? []).map((e) => e.endpoint?.address?.socket_address?.address));
}

describe('EDS: ClusterLoadAssignments', () => {
  it('Should group endpoints by locality, parsing region/zone/subzone, in a stable order', () => {
    const [cla] = assignments([DEFAULT]);
    assert.equal(cla?.cluster_name, DEFAULT);
    assert.deepEqual(cla?.endpoints?.map((l) => l.locality), [{}, { region: 'eu-west', zone: 'eu-west-1b' }, { region: 'us-east', zone: 'us-east-1a', sub_zone: 'rack1' }]);
    assert.deepEqual(addresses(cla), ['10.1.0.4', '10.1.0.3', '10.1.0.1', '10.1.0.2']);
  });

  it("Should weight every locality by its healthy endpoints' weights, and at least 1", () => {
    const [cla] = assignments([DEFAULT]);
    assert.deepEqual(cla?.endpoints?.map((l) => l.load_balancing_weight), [{ value: 1 }, { value: 1 }, { value: 4 }]);
    const lbWeights = cla?.endpoints?.[2]?.lb_endpoints?.map((e) => e.load_balancing_weight);
    assert.deepEqual(lbWeights, [{ value: 1 }, { value: 3 }]);
  });

  it('Should mark endpoints HEALTHY or UNHEALTHY', () => {
    const [cla] = assignments([DEFAULT]);
    const statuses = (cla?.endpoints ?? []).flatMap((l) => (l.lb_endpoints ?? []).map((e) => e.health_status));
    assert.deepEqual(statuses, ['UNHEALTHY', 'HEALTHY', 'HEALTHY', 'HEALTHY']);
  });

  it('Should carry tlsMode istio metadata for auto mTLS only on endpoints with a sidecar, and the workload for telemetry', () => {
    const [cla] = assignments([DEFAULT]);
    const byAddress = new Map((cla?.endpoints ?? []).flatMap((l) => (l.lb_endpoints ?? []).map((e) => [e.endpoint?.address?.socket_address?.address, e.metadata?.filter_metadata])));
    assert.deepEqual(byAddress.get('10.1.0.1')?.['envoy.transport_socket_match'], { fields: { tlsMode: { stringValue: 'istio', kind: 'stringValue' } } });
    assert.equal(byAddress.get('10.1.0.3')?.['envoy.transport_socket_match'], undefined);
    assert.equal(byAddress.get('10.1.0.1')?.istio?.fields?.workload?.stringValue, 'reviews-v1;default;reviews-v1;v1;');
  });

  it("Should keep only the endpoints with a subset's labels in a subset cluster", () => {
    const [v1, v2] = assignments([`outbound|9080|v1|${REVIEWS}`, `outbound|9080|v2|${REVIEWS}`]);
    assert.deepEqual(addresses(v1).sort(), ['10.1.0.1', '10.1.0.4']);
    assert.deepEqual(addresses(v2).sort(), ['10.1.0.2', '10.1.0.3']);
  });

  it('Should send no endpoints for a subset the DestinationRule does not define, rather than all of them', () => {
    const [cla] = assignments([`outbound|9080|v9|${REVIEWS}`]);
    assert.deepEqual(cla, { cluster_name: `outbound|9080|v9|${REVIEWS}`, endpoints: [] });
  });

  it('Should answer every requested name, with an empty assignment for unknown clusters and services without endpoints', () => {
    const names = ['outbound|9080||nowhere.example.com', 'not-a-cluster', 'inbound|9080||', `outbound|9999||${REVIEWS}`];
    const out = assignments(names);
    assert.deepEqual(out, names.map((cluster_name) => ({ cluster_name, endpoints: [] })));
  });

  it('Should drop duplicate addresses, and for gRPC clients endpoints that are not IP addresses', () => {
    const push = createFakePushContext({
      services: [reviews],
      endpoints: [fakeEndpoint(REVIEWS, 9080, '10.1.0.1'), fakeEndpoint(REVIEWS, 9080, '10.1.0.1'), fakeEndpoint(REVIEWS, 9080, 'reviews.internal'), fakeEndpoint(REVIEWS, 9080, 'unix:///tmp/r.sock')],
    });
    assert.deepEqual(addresses(assignments([DEFAULT], fakeProxy({ generator: 'grpc' }), push)[0]), ['10.1.0.1']);
    const sidecar = assignments([DEFAULT], fakeProxy(), push)[0];
    assert.deepEqual(addresses(sidecar), ['10.1.0.1', 'reviews.internal', undefined]);
    assert.deepEqual(sidecar?.endpoints?.[0]?.lb_endpoints?.[2]?.endpoint?.address?.pipe, { path: '/tmp/r.sock' });
  });

  it('Should answer a wildcard request with the EDS clusters of the proxy only', () => {
    const dns = fakeService('api.example.com', [{ name: 'http', port: 80, protocol: 'HTTP' }], { resolution: 'DNS' });
    const push = createFakePushContext({ services: [reviews, dns], endpoints: ENDPOINTS, destinationRules: [RULE] });
    const names = assignments(undefined, fakeProxy({ workloadPorts: [{ port: 9080 }] }), push).map((c) => c.cluster_name);
    assert.deepEqual(names, [DEFAULT, `outbound|9080|v1|${REVIEWS}`, `outbound|9080|v2|${REVIEWS}`]);
  });
});

describe('EDS for proxyless gRPC clients', () => {
  const context = {} as XdsDecodeContext;
  const decode = (r: XdsResource) => EndpointResourceType.get().decode(context, { type_url: r.resource.type_url, value: Buffer.from(r.resource.value) });

  it("Should be accepted by grpc-js-xds's validator, localities and weights included", () => {
    const resources = endpointGenerator.generate(fakeProxy({ generator: 'grpc' }), defaultPush(), [DEFAULT, `outbound|9080|v1|${REVIEWS}`, 'outbound|1||none']);
    assert.equal(resources.length, 3);
    for (const r of resources) {
      const result = decode(r);
      assert.equal(result.error, undefined, `${r.name}: ${result.error}`);
      const cla = result.value as { endpoints: { locality: object | null; load_balancing_weight: { value: number } | null }[] };
      for (const locality of cla.endpoints) {
        assert.ok(locality.locality, 'grpc-js-xds needs every locality set');
        assert.ok((locality.load_balancing_weight?.value ?? 0) >= 1, 'grpc-js-xds skips a locality without weight');
      }
    }
  });

  it("Should be checked by grpc-js-xds's real validator, which rejects the host names a sidecar may get", () => {
    const push = createFakePushContext({ services: [reviews], endpoints: [fakeEndpoint(REVIEWS, 9080, 'reviews.internal')] });
    const sidecar = endpointGenerator.generate(fakeProxy(), push, [DEFAULT])[0];
    assert.ok(sidecar);
    assert.match(decode(sidecar).error ?? '', /not a valid IPv4 or IPv6 address/);
    const grpc = endpointGenerator.generate(fakeProxy({ generator: 'grpc' }), push, [DEFAULT])[0];
    assert.ok(grpc);
    assert.equal(decode(grpc).error, undefined);
  });
});
