import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';

const workloadGroup = (spec: string) => `apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: {name: reviews, namespace: bookinfo}
spec:
${spec}`;

test('Should accept the reviews WorkloadGroup with an httpGet probe', () => {
  assert.deepEqual(problemsOf(workloadGroup(`  metadata:
    labels: {app.kubernetes.io/name: reviews, app.kubernetes.io/version: "1.3.4"}
    annotations: {example.com/owner: team-a}
  template:
    ports: {grpc: 3550, http: 8080}
    serviceAccount: default
  probe:
    initialDelaySeconds: 5
    timeoutSeconds: 3
    periodSeconds: 4
    successThreshold: 3
    failureThreshold: 3
    httpGet:
      path: /foo/bar
      host: 127.0.0.1
      port: 3100
      scheme: HTTPS
      httpHeaders:
      - {name: Lit-Header, value: Im-The-Best}
`)), []);
});

test('Should accept tcpSocket and exec probes', () => {
  assert.deepEqual(errorsOf(workloadGroup('  template: {}\n  probe: {tcpSocket: {port: 3306}}\n')), []);
  assert.deepEqual(errorsOf(workloadGroup('  template: {}\n  probe: {exec: {command: [/bin/check]}}\n')), []);
});

test('Should warn when the template sets an address', () => {
  assert.deepEqual(problemsOf(workloadGroup('  template: {address: 10.0.0.1}\n')), [
    'warning: spec.template.address: the address is filled in when a workload registers, so the template should not set it',
  ]);
});

test('Should reject invalid template ports and labels', () => {
  const errors = errorsOf(workloadGroup('  template:\n    ports: {http: 0}\n    labels: {"app/": reviews}\n'));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.template\.ports\.http: port must be between 1 and 65535, got 0/);
  assert.match(errors[1]!, /^spec\.template\.labels\.app\/: invalid label key/);
});

test('Should reject invalid metadata labels and annotation keys', () => {
  const errors = errorsOf(workloadGroup(`  metadata:
    labels: {app: "not valid"}
    annotations: {"bad key": x}
  template: {}
`));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.metadata\.labels\.app: invalid label value "not valid"/);
  assert.match(errors[1]!, /^spec\.metadata\.annotations\.bad key: invalid annotation key "bad key"/);
});

test('Should reject a probe without a check method', () => {
  assert.deepEqual(errorsOf(workloadGroup('  template: {}\n  probe: {periodSeconds: 5}\n')), [
    'spec.probe: a probe needs one of httpGet, tcpSocket, grpc or exec',
  ]);
});

test('Should reject an httpGet probe with a bad port, scheme and header name', () => {
  const errors = errorsOf(workloadGroup(`  template: {}
  probe:
    httpGet:
      port: 70000
      scheme: FTP
      httpHeaders:
      - {name: X_Bad, value: v}
`));
  assert.deepEqual(errors, [
    'spec.probe.httpGet.port: port must be between 1 and 65535, got 70000',
    'spec.probe.httpGet.scheme: scheme must be HTTP or HTTPS, got "FTP"',
    `spec.probe.httpGet.httpHeaders[0].name: invalid probe header name "X_Bad": use letters, digits and '-', not '_'`,
  ]);
});

test('Should reject an exec probe with an empty command and a negative period', () => {
  const errors = errorsOf(workloadGroup('  template: {}\n  probe: {periodSeconds: -1, exec: {command: []}}\n'));
  assert.deepEqual(errors.map((e) => e.split(': ')[0]).sort(), ['spec.probe.exec.command', 'spec.probe.periodSeconds'], errors.join('\n'));
});

test('Should reject a WorkloadGroup without a template through the schema', () => {
  assert.deepEqual(errorsOf(workloadGroup('  metadata: {labels: {app: reviews}}\n')), ['spec.template: required field is missing']);
});
