import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationRuleConflict } from './destination-rule-conflict.js';
import { destinationRuleHost } from './destination-rule-host.js';
import { destinationRuleSubsetWorkloads } from './destination-rule-subset-workloads.js';
import { findingsOf, summaryOf } from './testing.js';

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

const workloadEntry = (name: string, labels: string, namespace = 'default') => `---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  address: 10.0.0.${name.length}
  labels: ${labels}
`;

const REVIEWS_RULE = `---
apiVersion: networking.istio.io/v1
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

test('Should warn about a DestinationRule for a host that no service defines', () => {
  const findings = findingsOf(`${REVIEWS_ENTRY}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reveiws
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: known, namespace: default}
spec:
  host: ratings
`, { knownServices: ['ratings'] }, [destinationRuleHost]);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0174', severity: 'warning', field: 'spec.host', resource: 'DestinationRule default/reviews', line: 15 },
  ]);
  assert.match(findings[0]!.message, /^host "reveiws" is not defined/);
});

test('Should warn about a subset whose labels select none of the workloads of the ServiceEntry', () => {
  const findings = findingsOf(
    REVIEWS_ENTRY +
      workloadEntry('reviews-v1', '{app: reviews, version: v1}') +
      workloadEntry('ratings-v2', '{app: ratings, version: v2}') +
      workloadEntry('other-ns-v2', '{app: reviews, version: v2}', 'prod') +
      REVIEWS_RULE,
    {},
    [destinationRuleSubsetWorkloads],
  );
  // ratings-v2 has the version but not the ServiceEntry's app label; other-ns-v2 is in another namespace.
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0173', severity: 'warning', field: 'spec.subsets[1].labels', resource: 'DestinationRule default/reviews', line: 41 },
  ]);
  assert.match(findings[0]!.message, /^subset "v2" selects no workload .*version=v2.*503/);
});

test('Should select subset workloads among the inline endpoints of a ServiceEntry', () => {
  const findings = findingsOf(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy, namespace: default}
spec:
  hosts: [legacy.internal]
  location: MESH_INTERNAL
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
  - address: 10.1.0.1
    labels: {version: v1}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: legacy, namespace: default}
spec:
  host: legacy.internal
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
`, {}, [destinationRuleSubsetWorkloads]);
  assert.deepEqual(findings.map((f) => [f.code, f.field]), [['IST0173', 'spec.subsets[1].labels']]);
});

test('Should check subsets of a known service against the workloads of its namespace, and only when some are known', () => {
  const options = (workloads: { namespace: string; labels: Record<string, string> }[]) => ({
    knownServices: ['reviews'],
    knownWorkloads: workloads,
  });
  const check = (workloads: { namespace: string; labels: Record<string, string> }[]) =>
    findingsOf(REVIEWS_RULE, options(workloads), [destinationRuleSubsetWorkloads]).map((f) => f.field);
  assert.deepEqual(check([]), []);
  assert.deepEqual(check([{ namespace: 'default', labels: { app: 'reviews', version: 'v1' } }]), ['spec.subsets[1].labels']);
  assert.deepEqual(
    check([
      { namespace: 'default', labels: { app: 'reviews', version: 'v1' } },
      { namespace: 'default', labels: { app: 'reviews', version: 'v2' } },
    ]),
    [],
  );
});

test('Should not check subsets of an external ServiceEntry that has no endpoints or selector', () => {
  const findings = findingsOf(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin, namespace: default}
spec:
  hosts: [httpbin.org]
  location: MESH_EXTERNAL
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin, namespace: default}
spec:
  host: httpbin.org
  subsets:
  - name: v1
    labels: {version: v1}
`, {}, [destinationRuleSubsetWorkloads]);
  assert.deepEqual(findings, []);
});

test('Should warn when two DestinationRules for one host both set a traffic policy or define the same subset', () => {
  const findings = findingsOf(`${REVIEWS_RULE}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-lb, namespace: default}
spec:
  host: reviews.default.svc.cluster.local
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
  subsets:
  - name: v3
    labels: {version: v3}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-tls, namespace: default}
spec:
  host: reviews
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
  subsets:
  - name: v1
    labels: {version: v1}
`, {}, [destinationRuleConflict]);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'HDL0001', severity: 'warning', field: 'spec.trafficPolicy', resource: 'DestinationRule default/reviews-tls', line: 29 },
    { code: 'HDL0001', severity: 'warning', field: 'spec.subsets[0]', resource: 'DestinationRule default/reviews-tls', line: 32 },
  ]);
  assert.match(findings[0]!.message, /reviews-lb .* also sets a traffic policy/);
  assert.match(findings[1]!.message, /DestinationRule reviews .* also defines subset "v1"/);
});
