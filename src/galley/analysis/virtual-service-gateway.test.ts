import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, summaryOf } from './testing.js';
import { virtualServiceGateway } from './virtual-service-gateway.js';
import { virtualServiceGatewayHost } from './virtual-service-gateway-host.js';

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*.example.com", "./internal.example.org"]
`;

test('Should flag a VirtualService naming a Gateway that does not exist', () => {
  const findings = findingsOf(`${GATEWAY}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [mesh, public, istio-system/public, istio-system/private]
  http:
  - match:
    - gateways: [shop-gateway]
    route:
    - destination: {host: shop}
`, {}, [virtualServiceGateway]);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0101', severity: 'error', field: 'spec.gateways[1]', resource: 'VirtualService shop/shop', line: 15 },
    { code: 'IST0101', severity: 'error', field: 'spec.gateways[3]', resource: 'VirtualService shop/shop', line: 15 },
    { code: 'IST0101', severity: 'error', field: 'spec.http[0].match[0].gateways[0]', resource: 'VirtualService shop/shop', line: 18 },
  ]);
  assert.match(findings[0]!.message, /^gateway "public" does not exist: there is no Gateway shop\/public$/);
});

test('Should accept gateways named as namespace/name or in the legacy name.namespace form', () => {
  const findings = findingsOf(`${GATEWAY}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/public, public.istio-system, public.istio-system.svc.cluster.local]
  http:
  - route:
    - destination: {host: shop}
`, {}, [virtualServiceGateway]);
  assert.deepEqual(findings, []);
});

test('Should warn when a bound Gateway offers none of the VirtualService hosts', () => {
  const findings = findingsOf(`${GATEWAY}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: shop}
spec:
  hosts: [shop.example.com, shop]
  gateways: [istio-system/public, mesh]
  http:
  - route:
    - destination: {host: shop}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: internal, namespace: shop}
spec:
  hosts: [internal.example.org]
  gateways: [istio-system/public]
  http:
  - route:
    - destination: {host: internal}
`, {}, [virtualServiceGatewayHost]);
  // internal.example.org is offered only to VirtualServices of the Gateway's own namespace.
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0132', severity: 'warning', field: 'spec.gateways[0]', resource: 'VirtualService shop/internal', line: 25 },
  ]);
});
