import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSnapshot } from '../../galley/index.js';
import type { RegistryChange } from '../model/service.js';
import { buildConfigRegistry, createConfigRegistry } from './config-registry.js';
import { snapshotOf } from './testing.js';

const REVIEWS = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {name: http, number: 9080, protocol: HTTP}
  - {name: grpc-api, number: 9090, targetPort: 19090}
  workloadSelector:
    labels: {app: reviews}
`;

const WE_V1 = `
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: reviews-v1, namespace: default}
spec:
  address: 10.0.0.1
  labels: {app: reviews, version: v1}
  serviceAccount: bookinfo-reviews
  locality: us-east/zone-a
  network: net1
  weight: 3
  ports: {http: 8080}
`;

test('Should define one service per ServiceEntry host, resolved in the entry namespace, with ports and protocols', () => {
  const registry = buildConfigRegistry(
    snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external, namespace: shop}
spec:
  hosts: [api.example.com, payments]
  addresses: [240.0.0.1]
  ports:
  - {name: https, number: 443, protocol: TLS}
  - {name: http-web, number: 80}
  - {name: db, number: 3306}
  - {name: other, number: 7000}
  resolution: NONE
  exportTo: ['.', prod]
`),
  );
  const services = registry.services();
  assert.deepEqual(services.map((s) => s.hostname), ['api.example.com', 'payments.shop.svc.cluster.local']);
  const api = services[0];
  assert.ok(api);
  assert.equal(api.namespace, 'shop');
  assert.equal(api.resolution, 'NONE');
  assert.equal(api.meshExternal, true);
  assert.deepEqual(api.addresses, ['240.0.0.1']);
  assert.deepEqual(api.exportTo, ['shop', 'prod']);
  assert.deepEqual(api.ports.map((p) => [p.name, p.protocol]), [['https', 'TLS'], ['http-web', 'HTTP'], ['db', 'TCP'], ['other', 'UNKNOWN']]);
  assert.deepEqual(api.origin, { kind: 'ServiceEntry', namespace: 'shop', name: 'external' });
});

test('Should default resolution to NONE, location to mesh-external and exportTo to every namespace, and read ~ as none', () => {
  const registry = buildConfigRegistry(
    snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: a, namespace: default}
spec:
  hosts: [a.example.com]
  ports: [{name: tcp, number: 9000, protocol: TCP}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: b, namespace: default}
spec:
  hosts: [b.example.com]
  ports: [{name: tcp, number: 9000, protocol: TCP}]
  exportTo: ['~']
`),
  );
  const [a, b] = registry.services();
  assert.equal(a?.resolution, 'NONE');
  assert.equal(a?.meshExternal, true);
  assert.deepEqual(a?.exportTo, ['*']);
  assert.deepEqual(b?.exportTo, []);
  assert.deepEqual(registry.endpoints('a.example.com', 9000), []);
});

test('Should map inline endpoint ports by port name, else targetPort, else the service port', () => {
  const registry = buildConfigRegistry(
    snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: default}
spec:
  hosts: [db.internal]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {name: http, number: 80, protocol: HTTP}
  - {name: admin, number: 81, protocol: HTTP, targetPort: 9081}
  - {name: metrics, number: 82, protocol: HTTP}
  endpoints:
  - address: 10.1.0.1
    ports: {http: 8080}
    labels: {version: v1}
    network: n1
    locality: eu/west
    weight: 5
    serviceAccount: db
`),
  );
  const [http] = registry.endpoints('db.internal', 80);
  assert.equal(http?.port, 8080);
  assert.equal(registry.endpoints('db.internal', 81)[0]?.port, 9081);
  assert.equal(registry.endpoints('db.internal', 82)[0]?.port, 82);
  assert.deepEqual(
    { ...http },
    {
      hostname: 'db.internal',
      servicePort: 80,
      address: '10.1.0.1',
      port: 8080,
      labels: { version: 'v1' },
      namespace: 'default',
      serviceAccount: 'db',
      locality: 'eu/west',
      weight: 5,
      network: 'n1',
      tlsMode: 'disabled',
      healthy: true,
      workload: 'ServiceEntry default/db',
    },
  );
});

test('Should give inline endpoints Istio mTLS only when labelled security.istio.io/tlsMode istio', () => {
  const registry = buildConfigRegistry(
    snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: default}
spec:
  hosts: [db.internal]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: tcp, number: 5432, protocol: TCP}]
  endpoints:
  - address: 10.1.0.1
  - address: 10.1.0.2
    labels: {security.istio.io/tlsMode: istio}
`),
  );
  assert.deepEqual(registry.endpoints('db.internal', 5432).map((e) => e.tlsMode), ['disabled', 'istio']);
});

test('Should make selected WorkloadEntries of the entry namespace endpoints, with their ports, labels and identity', () => {
  const registry = buildConfigRegistry(
    snapshotOf(`${REVIEWS}---${WE_V1}---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: reviews-v2, namespace: default}
spec:
  address: 10.0.0.2
  labels: {app: reviews, version: v2, security.istio.io/tlsMode: disabled}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: ratings, namespace: default}
spec:
  address: 10.0.0.3
  labels: {app: ratings}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: reviews-elsewhere, namespace: other}
spec:
  address: 10.0.0.4
  labels: {app: reviews}
`),
  );
  const http = registry.endpoints('reviews.default.svc.cluster.local', 9080);
  assert.deepEqual(http.map((e) => [e.address, e.port, e.tlsMode]), [['10.0.0.1', 8080, 'istio'], ['10.0.0.2', 9080, 'disabled']]);
  const v1 = http[0];
  assert.deepEqual([v1?.serviceAccount, v1?.locality, v1?.network, v1?.weight, v1?.workload], [
    'bookinfo-reviews', 'us-east/zone-a', 'net1', 3, 'WorkloadEntry default/reviews-v1',
  ]);
  assert.deepEqual(v1?.labels, { app: 'reviews', version: 'v1' });
  assert.deepEqual(registry.endpoints('reviews.default.svc.cluster.local', 9090).map((e) => e.port), [19090, 19090]);
});

test('Should use the host itself as the one endpoint of a DNS entry with no endpoints', () => {
  const registry = buildConfigRegistry(
    snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin, namespace: default}
spec:
  hosts: [httpbin.org]
  resolution: DNS
  ports: [{name: https, number: 443, protocol: TLS, targetPort: 8443}]
`),
  );
  const endpoints = registry.endpoints('httpbin.org', 443);
  assert.deepEqual(endpoints.map((e) => [e.address, e.port, e.tlsMode]), [['httpbin.org', 8443, 'disabled']]);
});

test('Should keep hostnames as DNS endpoint addresses', () => {
  const registry = buildConfigRegistry(
    snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: mirrors, namespace: default}
spec:
  hosts: [mirror.example.com]
  resolution: DNS
  ports: [{name: http, number: 80, protocol: HTTP}]
  endpoints: [{address: us.mirror.example.com}, {address: eu.mirror.example.com}]
`),
  );
  assert.deepEqual(registry.endpoints('mirror.example.com', 80).map((e) => e.address), ['us.mirror.example.com', 'eu.mirror.example.com']);
});

test('Should merge the ports of two entries for one host in one namespace and keep both their endpoints', () => {
  const registry = buildConfigRegistry(
    snapshotOf(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: a, namespace: default}
spec:
  hosts: [svc.internal]
  resolution: STATIC
  ports: [{name: http, number: 80, protocol: HTTP}]
  endpoints: [{address: 10.0.0.1}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: b, namespace: default}
spec:
  hosts: [svc.internal]
  resolution: STATIC
  ports: [{name: tcp, number: 81, protocol: TCP}, {name: web, number: 80, protocol: TCP}]
  endpoints: [{address: 10.0.0.2}]
`),
  );
  const services = registry.services();
  assert.equal(services.length, 1);
  assert.deepEqual(services[0]?.ports.map((p) => [p.port, p.protocol]), [[80, 'HTTP'], [81, 'TCP']]);
  assert.deepEqual(registry.endpoints('svc.internal', 80).map((e) => e.address), ['10.0.0.1', '10.0.0.2']);
});

test('Should report an endpoint-only change as endpointsOf that host, not as a service change', () => {
  const registry = createConfigRegistry(snapshotOf(`${REVIEWS}---${WE_V1}`));
  const seen: RegistryChange[] = [];
  registry.onChange((c) => seen.push(c));
  const change = registry.update(snapshotOf(`${REVIEWS}---${WE_V1.replace('10.0.0.1', '10.0.0.9')}`, 2));
  assert.deepEqual(change, { services: false, endpointsOf: ['reviews.default.svc.cluster.local'] });
  assert.deepEqual(seen, [change]);
  assert.equal(registry.endpoints('reviews.default.svc.cluster.local', 9080)[0]?.address, '10.0.0.9');
});

test('Should report a port change as a service change, and tell no one when nothing changed', () => {
  const registry = createConfigRegistry(snapshotOf(`${REVIEWS}---${WE_V1}`));
  const seen: RegistryChange[] = [];
  registry.onChange((c) => seen.push(c));
  assert.deepEqual(registry.update(snapshotOf(`${REVIEWS}---${WE_V1}`, 2)), { services: false, endpointsOf: [] });
  assert.equal(seen.length, 0);
  const change = registry.update(snapshotOf(`${REVIEWS.replace('9080', '9081')}---${WE_V1}`, 3));
  assert.equal(change.services, true);
  assert.deepEqual(change.endpointsOf, ['reviews.default.svc.cluster.local']);
  assert.equal(seen.length, 1);
});

test('Should report removed services and the hosts whose endpoints went with them', () => {
  const registry = createConfigRegistry(snapshotOf(`${REVIEWS}---${WE_V1}`));
  const change = registry.update(snapshotOf(WE_V1, 2));
  assert.deepEqual(change, { services: true, endpointsOf: ['reviews.default.svc.cluster.local'] });
  assert.deepEqual(registry.services(), []);
});

test('Should filter endpoints by the namespace of the service when one is given', () => {
  const se = (ns: string, ip: string) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: ${ns}}
spec:
  hosts: [api.example.com]
  resolution: STATIC
  ports: [{name: http, number: 80, protocol: HTTP}]
  endpoints: [{address: ${ip}}]
`;
  const registry = buildConfigRegistry(snapshotOf(`${se('a', '10.0.0.1')}---${se('b', '10.0.0.2')}`));
  assert.equal(registry.services().length, 2);
  assert.deepEqual(registry.endpoints('api.example.com', 80).map((e) => e.address), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(registry.endpoints('api.example.com', 80, 'b').map((e) => e.address), ['10.0.0.2']);
});

test('Should keep the endpoint lists of unchanged entries identical across snapshots, so comparing views is cheap', () => {
  const other = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: other, namespace: default}
spec:
  hosts: [other.example.com]
  resolution: STATIC
  ports: [{name: http, number: 80, protocol: HTTP}]
  endpoints: [{address: 10.2.0.1}]
`;
  const first = snapshotOf(`${REVIEWS}---${WE_V1}---${other}`);
  const before = buildConfigRegistry(first);
  const entries = first.all().map((e) => ({ resource: e.resource }));
  const after = buildConfigRegistry(createSnapshot(2, entries));
  assert.equal(after.endpoints('other.example.com', 80), before.endpoints('other.example.com', 80));
  assert.equal(after.endpoints('reviews.default.svc.cluster.local', 9080), before.endpoints('reviews.default.svc.cluster.local', 9080));
});
