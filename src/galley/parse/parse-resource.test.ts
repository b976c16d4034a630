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
