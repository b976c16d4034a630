import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText, issuesOf } from './index.js';
import { formatIssue } from '../issue.js';

const lines = (text: string) => issuesOf(parseConfigText(text, 'vs.yaml')).map(formatIssue);

test('Should report a misspelt field with its line, resource and field path', () => {
  const out = lines(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - rewite:
      uri: /v1
    route:
    - destination:
        host: reviews
`);
  assert.deepEqual(out, [
    'vs.yaml:8: VirtualService default/reviews: spec.http[0].rewite: unknown field "rewite" (did you mean "rewrite"?)',
  ]);
});

test('Should accept a valid VirtualService and default its namespace', () => {
  const parsed = parseConfigText(`apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
`, 'vs.yaml');
  const [r] = parsed.results;
  assert.equal(r?.status, 'valid');
  assert.equal(r.status === 'valid' && r.resource.metadata.namespace, 'default');
});

test('Should report wrong types and enums with their field paths', () => {
  const out = lines(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: r, namespace: prod}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBN}
  subsets:
  - name: v1
    labels: {version: 1}
`);
  assert.ok(out.some((l) => l.startsWith('vs.yaml:7: DestinationRule prod/r: spec.trafficPolicy.loadBalancer.simple: invalid value "ROUND_ROBN"') && l.includes('did you mean "ROUND_ROBIN"')), out.join('\n'));
  assert.ok(out.some((l) => l.startsWith('vs.yaml:10: DestinationRule prod/r: spec.subsets[0].labels.version: must be a string')), out.join('\n'));
});

test('Should suggest the closest kind for an unknown kind', () => {
  const out = lines(`apiVersion: networking.istio.io/v1
kind: VirtualSevice
metadata: {name: x}
spec: {}
`);
  assert.deepEqual(out, ['vs.yaml:2: VirtualSevice default/x: kind: unknown kind "VirtualSevice" (did you mean "VirtualService"?)']);
});

test('Should report a YAML syntax error with its line', () => {
  const out = lines(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: x
spec:
  hosts: [a
  http: []
`);
  assert.equal(out.length >= 1, true);
  assert.match(out[0]!, /^vs\.yaml:\d+: YAML syntax error: /);
});

test('Should ignore resources of other APIs, such as a Kubernetes Service', () => {
  const parsed = parseConfigText(`apiVersion: v1
kind: Service
metadata: {name: reviews}
spec: {ports: [{port: 9080}]}
`, 'svc.yaml');
  assert.equal(parsed.results[0]?.status, 'ignored');
  assert.deepEqual(issuesOf(parsed), []);
});

test('Should require metadata.name', () => {
  const out = lines(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {namespace: foo}
spec: {mtls: {mode: STRICT}}
`);
  assert.deepEqual(out, ['vs.yaml:3: PeerAuthentication foo/<unnamed>: metadata.name: metadata.name is required']);
});

test('Should report an unresolved alias as a YAML error of that document alone', () => {
  const parsed = parseConfigText(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: a}
spec: {mtls: {mode: *nope}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: b}
spec: {mtls: {mode: STRICT}}
`, 'pa.yaml');
  assert.equal(parsed.results.length, 1);
  assert.equal(parsed.results[0]?.status, 'valid');
  assert.match(issuesOf(parsed).map(formatIssue).join('\n'), /^pa\.yaml:\d+: YAML syntax error: .*nope/);
});

test('Should treat a null field as unset instead of crashing', () => {
  const out = lines(`apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: we}
spec:
  address: 10.0.0.1
  serviceAccount:
  locality:
`);
  assert.deepEqual(out, []);
});

test('Should validate every item of a kubectl List, with lines inside the list', () => {
  const out = lines(`apiVersion: v1
kind: List
items:
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: ok}
  spec: {host: reviews}
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: bad}
  spec: {host: reviews, subsetz: []}
`);
  assert.deepEqual(out, ['vs.yaml:11: DestinationRule default/bad: spec.subsetz: unknown field "subsetz" (did you mean "subsets"?)']);
});

test('Should flag a misspelt Istio API group instead of ignoring the resource', () => {
  const out = lines(`apiVersion: networking.istio.oi/v1
kind: VirtualService
metadata: {name: x}
spec: {hosts: [a], http: [{route: [{destination: {host: a}}]}]}
`);
  assert.equal(out.length, 1);
  assert.match(out[0]!, /^vs\.yaml:1: VirtualService default\/x: apiVersion: unsupported apiVersion "networking\.istio\.oi\/v1"/);
});

test('Should accept YAML merge keys', () => {
  const out = lines(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: r}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: &lb {simple: ROUND_ROBIN}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      loadBalancer:
        <<: *lb
`);
  assert.deepEqual(out, []);
});
