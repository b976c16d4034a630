import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, summaryOf } from './testing.js';
import { virtualServiceSubset } from './virtual-service-subset.js';

const only = [virtualServiceSubset];

const REVIEWS_RULE = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
`;

test('Should flag a route to a subset that no DestinationRule defines', () => {
  const findings = findingsOf(`${REVIEWS_RULE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 50
    - destination: {host: reviews, subset: v3}
      weight: 50
`, {}, only);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0101', severity: 'error', field: 'spec.http[0].route[1].destination.subset', resource: 'VirtualService default/reviews', line: 21 },
  ]);
  assert.match(findings[0]!.message, /^subset "v3" of host "reviews" is not defined: DestinationRule default\/reviews defines only v1, v2$/);
});

test('Should flag a subset of a host that has no DestinationRule, on a mirror too', () => {
  const findings = findingsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: default}
spec:
  hosts: [ratings]
  http:
  - route:
    - destination: {host: ratings}
    mirror: {host: ratings, subset: canary}
`, {}, only);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0101', severity: 'error', field: 'spec.http[0].mirror.subset', resource: 'VirtualService default/ratings', line: 9 },
  ]);
  assert.match(findings[0]!.message, /^subset "canary" of host "ratings" is not defined: no DestinationRule applies to the host$/);
});

test('Should find subsets of a DestinationRule that writes the host in another form or namespace', () => {
  const findings = findingsOf(`${REVIEWS_RULE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: front, namespace: web}
spec:
  hosts: [front.web.svc.cluster.local]
  http:
  - route:
    - destination: {host: reviews.default.svc.cluster.local, subset: v1}
      weight: 50
    - destination: {host: reviews.default, subset: v2}
      weight: 50
    - destination: {host: reviews, subset: v1}
      weight: 0
`, {}, only);
  // A short name in namespace web means reviews.web.svc.cluster.local, which has no rule.
  assert.deepEqual(findings.map((f) => f.field), ['spec.http[0].route[2].destination.subset']);
});

test('Should take subsets from the exact-host DestinationRule before a wildcard one', () => {
  const yaml = (exact: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: all-external, namespace: egress}
spec:
  host: "*.example.com"
  subsets:
  - name: eu
    labels: {region: eu}
${exact}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: egress}
spec:
  hosts: [api.example.com]
  http:
  - route:
    - destination: {host: api.example.com, subset: eu}
`;
  assert.deepEqual(findingsOf(yaml(''), {}, only), []);
  const exact = `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: egress}
spec:
  host: api.example.com
  subsets:
  - name: us
    labels: {region: us}
`;
  assert.deepEqual(findingsOf(yaml(exact), {}, only).map((f) => f.field), ['spec.http[0].route[0].destination.subset']);
});
