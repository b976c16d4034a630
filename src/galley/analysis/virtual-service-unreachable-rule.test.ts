import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, summaryOf } from './testing.js';
import { virtualServiceUnreachableRule } from './virtual-service-unreachable-rule.js';

const only = [virtualServiceUnreachableRule];

test('Should flag the rules after an http rule without any match', () => {
  const findings = findingsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - name: everyone
    route:
    - destination: {host: reviews, subset: v1}
  - name: jason
    match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: reviews, subset: v2}
  - route:
    - destination: {host: reviews, subset: v3}
`, {}, only);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0130', severity: 'warning', field: 'spec.http[1]', resource: 'VirtualService default/reviews', line: 10 },
    { code: 'IST0130', severity: 'warning', field: 'spec.http[2]', resource: 'VirtualService default/reviews', line: 16 },
  ]);
  assert.match(findings[0]!.message, /^rule spec\.http\[1\] \("jason"\) is never used: the earlier rule spec\.http\[0\] matches every request$/);
});

test('Should flag a rule whose matches all repeat earlier ones, and a tcp rule after a catch-all', () => {
  const findings = findingsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec:
  hosts: [shop]
  http:
  - match:
    - uri: {prefix: /api}
    - uri: {prefix: /static}
    route:
    - destination: {host: shop}
  - match:
    - name: again
      uri: {prefix: /static}
    route:
    - destination: {host: shop-v2}
  - match:
    - uri: {prefix: /}
    route:
    - destination: {host: shop}
  tcp:
  - route:
    - destination: {host: shop, port: {number: 3306}}
  - match:
    - port: 3307
    route:
    - destination: {host: shop, port: {number: 3307}}
`, {}, only);
  assert.deepEqual(findings.map((f) => [f.code, f.severity, f.field]), [
    ['IST0130', 'warning', 'spec.http[1]'],
    ['IST0130', 'warning', 'spec.tcp[1]'],
  ]);
  assert.match(findings[0]!.message, /every one of its matches already appears in spec\.http\[0\]$/);
});

test('Should not flag a VirtualService whose only catch-all rule is the last', () => {
  const findings = findingsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: reviews, subset: v2}
  - match:
    - headers:
        end-user: {exact: jason}
      uri: {prefix: /v2}
    route:
    - destination: {host: reviews, subset: v3}
  - route:
    - destination: {host: reviews, subset: v1}
`, {}, only);
  assert.deepEqual(findings, []);
});
