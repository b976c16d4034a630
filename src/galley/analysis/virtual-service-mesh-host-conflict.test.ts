import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, summaryOf } from './testing.js';
import { virtualServiceMeshHostConflict } from './virtual-service-mesh-host-conflict.js';

const only = [virtualServiceMeshHostConflict];

const vs = (name: string, namespace: string, hosts: string, extra = '') => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: ${hosts}
${extra}  http:
  - route:
    - destination: {host: reviews.default.svc.cluster.local}
`;

test('Should flag two VirtualServices bound to the mesh that define the same host', () => {
  const findings = findingsOf(
    vs('reviews', 'default', '[reviews]') +
      vs('reviews-canary', 'default', '[ratings, reviews.default.svc.cluster.local]', '  gateways: [mesh]\n') +
      vs('other', 'prod', '[reviews]'),
    {},
    only,
  );
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0109', severity: 'error', field: 'spec.hosts[0]', resource: 'VirtualService default/reviews', line: 6 },
    { code: 'IST0109', severity: 'error', field: 'spec.hosts[1]', resource: 'VirtualService default/reviews-canary', line: 15 },
  ]);
  assert.match(findings[0]!.message, /default\/reviews, default\/reviews-canary .*"reviews\.default\.svc\.cluster\.local"/);
});

test('Should not flag VirtualServices for one host bound to a gateway or exported to different namespaces', () => {
  const findings = findingsOf(
    vs('a', 'default', '[shop.example.com]', '  gateways: [istio-system/public]\n') +
      vs('b', 'default', '[shop.example.com]', '  gateways: [istio-system/public]\n') +
      vs('c', 'team-a', '[api.example.com]', '  exportTo: ["."]\n') +
      vs('d', 'team-b', '[api.example.com]', '  exportTo: ["."]\n'),
    {},
    only,
  );
  assert.deepEqual(findings, []);
});
