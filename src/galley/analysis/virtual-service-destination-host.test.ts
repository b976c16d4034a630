import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, summaryOf } from './testing.js';
import { virtualServiceDestinationHost } from './virtual-service-destination-host.js';

const only = [virtualServiceDestinationHost];

const REVIEWS_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews.default.svc.cluster.local]
  location: MESH_INTERNAL
  ports: [{number: 9080, name: http, protocol: HTTP}]
  resolution: STATIC
  workloadSelector: {labels: {app: reviews}}
`;

test('Should flag a route to a host that no ServiceEntry or known service defines', () => {
  const findings = findingsOf(`${REVIEWS_ENTRY}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
      weight: 90
    - destination:
        host: reveiws
      weight: 10
`, {}, only);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0101', severity: 'error', field: 'spec.http[0].route[1].destination.host', resource: 'VirtualService default/reviews', line: 21 },
  ]);
  assert.match(findings[0]!.message, /^host "reveiws" is not defined/);
});

test('Should flag mirrors and tcp and tls routes to unknown hosts', () => {
  const findings = findingsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: shop}
spec:
  hosts: [shop]
  http:
  - match:
    - uri: {prefix: /a}
    route:
    - destination: {host: shop}
    mirror: {host: shadow}
  - route:
    - destination: {host: shop}
    mirrors:
    - destination: {host: shadow-2}
  tcp:
  - route:
    - destination: {host: db, port: {number: 5432}}
  tls:
  - match:
    - sniHosts: [shop]
    route:
    - destination: {host: tls-backend}
`, { knownServices: ['shop.shop'] }, only);
  assert.deepEqual(findings.map((f) => [f.code, f.severity, f.field]), [
    ['IST0101', 'error', 'spec.http[0].mirror.host'],
    ['IST0101', 'error', 'spec.http[1].mirrors[0].destination.host'],
    ['IST0101', 'error', 'spec.tcp[0].route[0].destination.host'],
    ['IST0101', 'error', 'spec.tls[0].route[0].destination.host'],
  ]);
  assert.match(findings[0]!.message, /^mirror host "shadow" is not defined/);
});

test('Should find hosts among known services given as short names, name.namespace or FQDNs', () => {
  const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: front, namespace: web}
spec:
  hosts: [front]
  http:
  - route:
    - destination: {host: reviews}
      weight: 25
    - destination: {host: ratings.default}
      weight: 25
    - destination: {host: details.default.svc.cluster.local}
      weight: 25
    - destination: {host: front}
      weight: 25
`;
  const knownServices = ['reviews', 'ratings.default', 'details.default.svc.cluster.local', 'front.web.svc.cluster.local'];
  assert.deepEqual(findingsOf(yaml, { knownServices }, only), []);
  assert.deepEqual(
    findingsOf(yaml, { knownServices: ['reviews', 'front'] }, only).map((f) => f.field),
    ['spec.http[0].route[1].destination.host', 'spec.http[0].route[2].destination.host'],
  );
});

test('Should find a host covered by a wildcard ServiceEntry, and a short host in another namespace by FQDN', () => {
  const findings = findingsOf(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external, namespace: egress}
spec:
  hosts: ["*.example.com"]
  location: MESH_EXTERNAL
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
---
${REVIEWS_ENTRY}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: prod}
spec:
  hosts: [api.example.com]
  tls:
  - match:
    - sniHosts: [api.example.com]
    route:
    - destination: {host: api.example.com, port: {number: 443}}
  http:
  - route:
    - destination: {host: reviews.default.svc.cluster.local}
      weight: 25
    - destination: {host: reviews}
      weight: 25
`, {}, only);
  assert.deepEqual(findings.map((f) => f.field), ['spec.http[0].route[1].destination.host']);
});

test('Should flag a destination port that the ServiceEntry does not expose', () => {
  const findings = findingsOf(`${REVIEWS_ENTRY}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, port: {number: 9090}}
`, {}, only);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0101', severity: 'error', field: 'spec.http[0].route[0].destination.port.number', resource: 'VirtualService default/reviews', line: 18 },
  ]);
  assert.match(findings[0]!.message, /^port 9090 of host "reviews" is not defined: its ServiceEntry ports are 9080$/);
});
