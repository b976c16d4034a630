import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistryChange } from '../model/service.js';
import { createManualTimers, proxyOf, snapshotOf } from './testing.js';
import { createWorkloadRegistry } from './workload-registry.js';

const REVIEWS_HOST = 'reviews.default.svc.cluster.local';

function reviews(version: string, ip: string) {
  return proxyOf({
    name: `reviews-${version}`,
    ipAddresses: [ip],
    labels: { app: 'reviews', version },
    serviceAccount: 'bookinfo-reviews',
    workloadPorts: [{ name: 'http', port: 9080, protocol: 'TCP' }],
  });
}

test('Should define an implicit service for a workload with an app label and ports', () => {
  const registry = createWorkloadRegistry({ timers: createManualTimers() });
  const change = registry.register(reviews('v1', '10.0.0.1'));
  assert.deepEqual(change, { services: true, endpointsOf: [REVIEWS_HOST] });
  const [service] = registry.services();
  assert.equal(service?.hostname, REVIEWS_HOST);
  assert.equal(service?.namespace, 'default');
  assert.equal(service?.resolution, 'STATIC');
  assert.equal(service?.meshExternal, false);
  assert.deepEqual(service?.ports, [{ name: 'http', port: 9080, protocol: 'HTTP' }]);
  const [endpoint] = registry.endpoints(REVIEWS_HOST, 9080);
  assert.deepEqual([endpoint?.address, endpoint?.port, endpoint?.tlsMode, endpoint?.serviceAccount], ['10.0.0.1', 9080, 'istio', 'bookinfo-reviews']);
  assert.deepEqual(endpoint?.labels, { app: 'reviews', version: 'v1' });
});

test('Should make workloads of one app with different versions endpoints of the one service, reporting only endpoints', () => {
  const registry = createWorkloadRegistry({ timers: createManualTimers() });
  registry.register(reviews('v1', '10.0.0.1'));
  const change = registry.register(reviews('v2', '10.0.0.2'));
  assert.deepEqual(change, { services: false, endpointsOf: [REVIEWS_HOST] });
  assert.equal(registry.services().length, 1);
  assert.deepEqual(registry.endpoints(REVIEWS_HOST, 9080).map((e) => e.labels['version']), ['v1', 'v2']);
});

test('Should name the implicit service by the canonical-name label when there is no app label', () => {
  const registry = createWorkloadRegistry({ timers: createManualTimers() });
  registry.register(proxyOf({ labels: { 'service.istio.io/canonical-name': 'Ratings' }, workloadPorts: [{ port: 9080 }] }));
  assert.deepEqual(registry.services().map((s) => s.hostname), ['ratings.default.svc.cluster.local']);
  assert.deepEqual(registry.services()[0]?.ports, [{ name: 'port-9080', port: 9080, protocol: 'TCP' }]);
});

test('Should define no implicit service for a workload without an app label, ports or an IP', () => {
  const registry = createWorkloadRegistry({ timers: createManualTimers() });
  registry.register(proxyOf({ name: 'a', labels: { version: 'v1' }, workloadPorts: [{ port: 80 }] }));
  registry.register(proxyOf({ name: 'b', labels: { app: 'b' } }));
  registry.register(proxyOf({ name: 'c', labels: { app: 'c' }, workloadPorts: [{ port: 80 }], ipAddresses: [] }));
  assert.deepEqual(registry.services(), []);
  assert.equal(registry.workloads().length, 3);
});

test('Should give a proxyless gRPC workload plaintext endpoints unless labelled for Istio mTLS', () => {
  const registry = createWorkloadRegistry({ timers: createManualTimers() });
  registry.register(proxyOf({ name: 'a', generator: 'grpc', labels: { app: 'greeter' }, workloadPorts: [{ name: 'grpc', port: 50051 }] }));
  registry.register(
    proxyOf({
      name: 'b',
      generator: 'grpc',
      ipAddresses: ['10.0.0.2'],
      labels: { app: 'greeter', 'security.istio.io/tlsMode': 'istio' },
      workloadPorts: [{ name: 'grpc', port: 50051 }],
    }),
  );
  const endpoints = registry.endpoints('greeter.default.svc.cluster.local', 50051);
  assert.deepEqual(endpoints.map((e) => e.tlsMode), ['disabled', 'istio']);
  assert.equal(registry.services()[0]?.ports[0]?.protocol, 'GRPC');
});

test('Should make a registered workload an endpoint of a ServiceEntry whose workloadSelector matches it', () => {
  const config = snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vm-api, namespace: default}
spec:
  hosts: [api.internal]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: http, number: 80, protocol: HTTP}, {name: admin, number: 81, protocol: HTTP, targetPort: 9081}]
  workloadSelector: {labels: {role: api}}
`);
  const registry = createWorkloadRegistry({ timers: createManualTimers(), config });
  const change = registry.register(proxyOf({ labels: { role: 'api' }, workloadPorts: [{ name: 'http', port: 8080 }] }));
  assert.deepEqual(change, { services: false, endpointsOf: ['api.internal'] });
  assert.deepEqual(registry.endpoints('api.internal', 80).map((e) => [e.address, e.port, e.tlsMode]), [['10.0.0.1', 8080, 'istio']]);
  assert.deepEqual(registry.endpoints('api.internal', 81).map((e) => e.port), [9081]);
  registry.register(proxyOf({ name: 'elsewhere', namespace: 'other', ipAddresses: ['10.0.0.5'], labels: { role: 'api' } }));
  assert.equal(registry.endpoints('api.internal', 80).length, 1);
});

test('Should pick up a ServiceEntry selector added later, reporting the hosts whose endpoints it gave', () => {
  const registry = createWorkloadRegistry({ timers: createManualTimers() });
  registry.register(proxyOf({ labels: { role: 'api' } }));
  const change = registry.updateConfig(
    snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vm-api, namespace: default}
spec:
  hosts: [api.internal]
  resolution: STATIC
  ports: [{name: http, number: 80, protocol: HTTP}]
  workloadSelector: {labels: {role: api}}
`),
  );
  assert.deepEqual(change, { services: false, endpointsOf: ['api.internal'] });
});

test('Should remove a workload only after the grace period once its proxy disconnects', () => {
  const timers = createManualTimers();
  const registry = createWorkloadRegistry({ timers, graceMs: 10_000 });
  const seen: RegistryChange[] = [];
  registry.onChange((c) => seen.push(c));
  const proxy = reviews('v1', '10.0.0.1');
  registry.register(proxy);
  registry.unregister(proxy.id);
  timers.advance(9_999);
  assert.equal(registry.endpoints(REVIEWS_HOST, 9080).length, 1);
  timers.advance(1);
  assert.deepEqual(registry.endpoints(REVIEWS_HOST, 9080), []);
  assert.deepEqual(registry.services(), []);
  assert.deepEqual(seen.at(-1), { services: true, endpointsOf: [REVIEWS_HOST] });
});

test('Should cancel the removal when the proxy reconnects within the grace period', () => {
  const timers = createManualTimers();
  const registry = createWorkloadRegistry({ timers });
  const proxy = reviews('v1', '10.0.0.1');
  registry.register(proxy);
  registry.unregister(proxy.id);
  timers.advance(5_000);
  assert.deepEqual(registry.register(proxy), { services: false, endpointsOf: [] });
  assert.equal(timers.pending, 0);
  timers.advance(60_000);
  assert.equal(registry.endpoints(REVIEWS_HOST, 9080).length, 1);
});

test('Should keep a workload while any of its connections is open', () => {
  const timers = createManualTimers();
  const registry = createWorkloadRegistry({ timers });
  const proxy = reviews('v1', '10.0.0.1');
  registry.register(proxy);
  registry.register(proxy);
  registry.unregister(proxy.id);
  timers.advance(60_000);
  assert.equal(registry.endpoints(REVIEWS_HOST, 9080).length, 1);
  registry.unregister(proxy.id);
  timers.advance(10_000);
  assert.equal(registry.endpoints(REVIEWS_HOST, 9080).length, 0);
});

test('Should report a service change when a re-registered workload brings a new port', () => {
  const registry = createWorkloadRegistry({ timers: createManualTimers() });
  const proxy = reviews('v1', '10.0.0.1');
  registry.register(proxy);
  const change = registry.register({ ...proxy, workloadPorts: [...proxy.workloadPorts, { name: 'grpc-admin', port: 9090 }] });
  assert.deepEqual(change, { services: true, endpointsOf: [REVIEWS_HOST] });
  assert.deepEqual(registry.services()[0]?.ports.map((p) => [p.port, p.protocol]), [[9080, 'HTTP'], [9090, 'GRPC']]);
});

test('Should remove a selected workload from its ServiceEntry after the grace period, and list it once for a shared host', () => {
  const config = snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: http, number: 9080, protocol: HTTP}]
  workloadSelector: {labels: {app: reviews}}
`);
  const timers = createManualTimers();
  const registry = createWorkloadRegistry({ timers, config });
  const proxy = reviews('v1', '10.0.0.1');
  registry.register(proxy);
  assert.equal(registry.endpoints(REVIEWS_HOST, 9080).length, 1);
  registry.unregister(proxy.id);
  const seen: RegistryChange[] = [];
  registry.onChange((c) => seen.push(c));
  timers.advance(10_000);
  assert.deepEqual(registry.endpoints(REVIEWS_HOST, 9080), []);
  assert.deepEqual(seen, [{ services: true, endpointsOf: [REVIEWS_HOST] }]);
});

test('Should keep the endpoint order when a workload reconnects, reporting no change', () => {
  const timers = createManualTimers();
  const registry = createWorkloadRegistry({ timers });
  const v1 = reviews('v1', '10.0.0.1');
  registry.register(v1);
  registry.register(reviews('v2', '10.0.0.2'));
  registry.unregister(v1.id);
  assert.deepEqual(registry.register(v1), { services: false, endpointsOf: [] });
  assert.deepEqual(registry.endpoints(REVIEWS_HOST, 9080).map((e) => e.address), ['10.0.0.1', '10.0.0.2']);
});
