import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySelector } from './gateway-selector.js';
import { policySelector } from './policy-selector.js';
import { findingsOf, summaryOf } from './testing.js';

const only = [policySelector];

const WORKLOADS = `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: productpage-v1, namespace: default}
spec:
  address: 10.0.0.1
  labels: {app: productpage, version: v1}
---
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: {name: ratings, namespace: default}
spec:
  metadata:
    labels: {app: ratings}
  template:
    serviceAccount: ratings
`;

test('Should warn about an AuthorizationPolicy whose selector matches no workload in its namespace', () => {
  const findings = findingsOf(`${WORKLOADS}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-reviews, namespace: default}
spec:
  selector:
    matchLabels: {app: reviews}
  action: ALLOW
  rules:
  - to:
    - operation: {methods: [GET]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-productpage, namespace: prod}
spec:
  selector:
    matchLabels: {app: productpage}
`, {}, only);
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0127', severity: 'warning', field: 'spec.selector.matchLabels', resource: 'AuthorizationPolicy default/allow-reviews', line: 22 },
    { code: 'IST0127', severity: 'warning', field: 'spec.selector.matchLabels', resource: 'AuthorizationPolicy prod/allow-productpage', line: 33 },
  ]);
  assert.match(findings[0]!.message, /^no workload in namespace default has the labels app=reviews/);
});

test('Should check PeerAuthentication, RequestAuthentication and Sidecar selectors the same way', () => {
  const findings = findingsOf(`${WORKLOADS}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: strict-details, namespace: default}
spec:
  selector:
    matchLabels: {app: details}
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: default}
spec:
  selector:
    matchLabels: {app: productpage, version: v2}
  jwtRules:
  - issuer: https://issuer.example.com
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ratings, namespace: default}
spec:
  workloadSelector:
    labels: {app: ratings, version: v9}
  egress:
  - hosts: ["./*"]
`, {}, only);
  assert.deepEqual(findings.map((f) => [f.code, f.severity, f.field, f.resource?.kind]), [
    ['IST0127', 'warning', 'spec.selector.matchLabels', 'PeerAuthentication'],
    ['IST0127', 'warning', 'spec.selector.matchLabels', 'RequestAuthentication'],
    ['IST0127', 'warning', 'spec.workloadSelector.labels', 'Sidecar'],
  ]);
});

test('Should accept policies without selector, root-namespace selectors that match anywhere, and known workloads', () => {
  const findings = findingsOf(`${WORKLOADS}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-nothing, namespace: default}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ratings-everywhere, namespace: istio-system}
spec:
  selector:
    matchLabels: {app: ratings}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: productpage, namespace: default}
spec:
  workloadSelector:
    labels: {app: productpage}
  egress:
  - hosts: ["./*"]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: web}
spec:
  selector:
    matchLabels: {app: front}
  jwtRules:
  - issuer: https://issuer.example.com
`, { knownWorkloads: [{ namespace: 'web', labels: { app: 'front', version: 'v1' } }] }, only);
  assert.deepEqual(findings, []);
});

test('Should warn about a Gateway selector that matches no workload, but not about the built-in ingress gateway', () => {
  const gateway = (name: string, selector: string) => `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: istio-system}
spec:
  selector: ${selector}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`;
  const yaml = gateway('public', '{istio: ingressgateway}') + gateway('partner', '{app: partner-gateway}');
  assert.deepEqual(findingsOf(yaml, {}, [gatewaySelector]).map(summaryOf), [
    { code: 'IST0127', severity: 'warning', field: 'spec.selector', resource: 'Gateway istio-system/partner', line: 15 },
  ]);
  const known = { knownWorkloads: [{ namespace: 'gateways', labels: { app: 'partner-gateway' } }] };
  assert.deepEqual(findingsOf(yaml, known, [gatewaySelector]), []);
});
