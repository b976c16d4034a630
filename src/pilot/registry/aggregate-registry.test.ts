import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistryChange } from '../model/service.js';
import { createAggregateRegistry } from './aggregate-registry.js';
import { createConfigRegistry } from './config-registry.js';
import { createManualTimers, proxyOf, snapshotOf } from './testing.js';
import { createWorkloadRegistry } from './workload-registry.js';

const HOST = 'reviews.default.svc.cluster.local';
const CONFIG = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: http, number: 9080, protocol: HTTP}]
  endpoints: [{address: 10.9.0.1}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: default}
spec:
  hosts: [api.example.com]
  resolution: DNS
  ports: [{name: https, number: 443, protocol: TLS}]
`;

function setup() {
  const config = createConfigRegistry(snapshotOf(CONFIG));
  const workloads = createWorkloadRegistry({ timers: createManualTimers() });
  return { config, workloads, aggregate: createAggregateRegistry([config, workloads]) };
}

test('Should merge the ports of a config service and a workload service with the same host and namespace', () => {
  const { workloads, aggregate } = setup();
  workloads.register(proxyOf({ labels: { app: 'reviews' }, workloadPorts: [{ name: 'http', port: 9080 }, { name: 'grpc', port: 9090 }] }));
  const services = aggregate.services();
  assert.deepEqual(services.map((s) => s.hostname), ['api.example.com', HOST]);
  const reviews = services[1];
  assert.equal(reviews?.origin.kind, 'ServiceEntry');
  assert.deepEqual(reviews?.ports.map((p) => [p.port, p.protocol]), [[9080, 'HTTP'], [9090, 'GRPC']]);
});

test('Should give the endpoints of a host from every registry, config first, each address and port once', () => {
  const { workloads, aggregate } = setup();
  workloads.register(proxyOf({ labels: { app: 'reviews' }, workloadPorts: [{ name: 'http', port: 9080 }] }));
  workloads.register(proxyOf({ name: 'dup', ipAddresses: ['10.9.0.1'], labels: { app: 'reviews' }, workloadPorts: [{ name: 'http', port: 9080 }] }));
  assert.deepEqual(aggregate.endpoints(HOST, 9080).map((e) => [e.address, e.workload]), [
    ['10.9.0.1', 'ServiceEntry default/reviews'],
    ['10.0.0.1', 'Proxy sidecar~10.0.0.1~app.default~default.svc.cluster.local'],
  ]);
  assert.deepEqual(aggregate.endpoints('api.example.com', 443).map((e) => e.address), ['api.example.com']);
});

test('Should pass on the changes of every registry and see new services after a service change', () => {
  const { config, workloads, aggregate } = setup();
  const seen: RegistryChange[] = [];
  aggregate.onChange((c) => seen.push(c));
  assert.equal(aggregate.services().length, 2);
  workloads.register(proxyOf({ labels: { app: 'ratings' }, workloadPorts: [{ name: 'http', port: 9080 }] }));
  assert.equal(aggregate.services().length, 3);
  config.update(snapshotOf(CONFIG.replace('10.9.0.1', '10.9.0.2'), 2));
  assert.deepEqual(seen, [
    { services: true, endpointsOf: ['ratings.default.svc.cluster.local'] },
    { services: false, endpointsOf: [HOST] },
  ]);
  aggregate.close();
  config.update(snapshotOf(CONFIG, 3));
  assert.equal(seen.length, 2);
});
