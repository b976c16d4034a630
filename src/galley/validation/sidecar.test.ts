import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';

const sidecar = (spec: string) => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: prod-us1}
spec:
${spec}`;

/** The one problem reported at `field`, asserting there is exactly one problem in all. */
function onlyProblem(problems: string[], field: string): string {
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.ok(problems[0]!.startsWith(`${field}: `), problems[0]);
  return problems[0]!;
}

test('Should accept a namespace Sidecar with egress hosts ./* and istio-system/*', () => {
  assert.deepEqual(problemsOf(sidecar(`  egress:
  - hosts: ["./*", "istio-system/*"]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`)), []);
});

test('Should accept a Sidecar with ingress listeners, a port-bound egress listener and a catch-all', () => {
  assert.deepEqual(problemsOf(sidecar(`  workloadSelector:
    labels: {app: ratings}
  ingress:
  - port: {number: 9080, protocol: HTTP, name: somename}
    defaultEndpoint: unix:///var/run/someuds.sock
  - port: {number: 9443, protocol: HTTPS, name: https}
    defaultEndpoint: 127.0.0.1:8443
    tls:
      mode: SIMPLE
      serverCertificate: /etc/certs/servercert.pem
      privateKey: /etc/certs/privatekey.pem
  egress:
  - port: {number: 9080, protocol: HTTP, name: egresshttp}
    hosts: ["prod-us1/*"]
  - port: {number: 0, name: uds}
    bind: unix:///var/run/egress.sock
    captureMode: NONE
    hosts: ["*/mysql.foo.com"]
  - hosts: ["istio-system/*", "~/*.example.com"]
`)), []);
});

test('Should reject an empty Sidecar', () => {
  assert.match(onlyProblem(errorsOf(sidecar('  workloadSelector: {labels: {app: x}}\n')), 'spec'), /needs at least one of egress, ingress/);
});

test('Should reject egress hosts without a namespace or with a short name', () => {
  const errors = errorsOf(sidecar(`  egress:
  - hosts: ["reviews.prod.svc.cluster.local", "./reviews", "Bad_NS/*", "/foo.com", "./foo.*.com"]
`));
  assert.deepEqual(errors.map((e) => e.split(': ')[0]), [
    'spec.egress[0].hosts[0]', 'spec.egress[0].hosts[1]', 'spec.egress[0].hosts[2]', 'spec.egress[0].hosts[3]', 'spec.egress[0].hosts[4]',
  ], errors.join('\n'));
  assert.match(errors[0]!, /must have the form namespace\/host/);
  assert.match(errors[1]!, /short host name "reviews" in "\.\/reviews" is not allowed/);
  assert.match(errors[2]!, /invalid namespace "Bad_NS"/);
  assert.match(errors[3]!, /must have both a namespace and a host/);
});

test('Should reject an egress listener with no hosts', () => {
  assert.match(onlyProblem(errorsOf(sidecar('  egress:\n  - hosts: []\n')), 'spec.egress[0].hosts'), /needs at least one host/);
});

test('Should reject a catch-all egress listener that is not last, and a second one', () => {
  const errors = errorsOf(sidecar(`  egress:
  - hosts: ["./*"]
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["./*"]
  - hosts: ["istio-system/*"]
`));
  assert.deepEqual(errors, [
    'spec.egress[0]: the egress listener without a port catches all traffic, so it must be the last one',
    'spec.egress[2]: only one egress listener may omit its port; spec.egress[0] already does',
  ]);
});

test('Should reject duplicate egress ports and a bind that is not an IP', () => {
  const errors = errorsOf(sidecar(`  egress:
  - port: {number: 8080, name: http, protocol: HTTP}
    bind: 127.0.0.1
    hosts: ["./*"]
  - port: {number: 8080, name: http2, protocol: HTTP}
    bind: localhost
    hosts: ["./*"]
`));
  assert.deepEqual(errors, [
    'spec.egress[1].bind: bind "localhost" must be an IP address',
    'spec.egress[1].port.number: port 8080 is already used by spec.egress[0]',
  ]);
});

test('Should reject a port 0 egress listener without a unix socket bind, or with iptables capture', () => {
  const errors = errorsOf(sidecar(`  egress:
  - port: {number: 0, name: uds}
    bind: 127.0.0.1
    hosts: ["./*"]
  - port: {number: 0, name: uds2}
    bind: unix:///var/run/a.sock
    captureMode: IPTABLES
    hosts: ["./*"]
`));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.egress\[0\]\.bind: an egress listener with port 0 \(or no port number\) must bind to a unix:\/\/ socket/);
  assert.match(errors[1]!, /^spec\.egress\[1\]\.captureMode: a unix socket listener cannot capture traffic with iptables/);
});

test('Should reject bad ingress ports: out of range, duplicated, bad protocol and targetPort', () => {
  const errors = errorsOf(sidecar(`  ingress:
  - port: {number: 9080, protocol: HTTP, name: http}
  - port: {number: 9080, protocol: HTTP, name: http-2}
  - port: {number: 70000, protocol: FTP, name: Bad_Name, targetPort: 80}
`));
  assert.deepEqual(errors.map((e) => e.split(': ')[0]), [
    'spec.ingress[1].port.number',
    'spec.ingress[2].port.targetPort', 'spec.ingress[2].port.name', 'spec.ingress[2].port.protocol', 'spec.ingress[2].port.number',
  ], errors.join('\n'));
  assert.match(errors[0]!, /port 9080 is already used by spec\.ingress\[0\]/);
});

test('Should reject a defaultEndpoint that does not point at the workload', () => {
  const errors = errorsOf(sidecar(`  ingress:
  - port: {number: 9080, protocol: HTTP, name: a}
    defaultEndpoint: 10.0.0.5:8080
  - port: {number: 9081, protocol: HTTP, name: b}
    defaultEndpoint: "127.0.0.1:http"
  - port: {number: 9082, protocol: HTTP, name: c}
    defaultEndpoint: "[::1]:8082"
  - port: {number: 9083, protocol: HTTP, name: d}
    defaultEndpoint: "0.0.0.0:0"
`));
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.ingress\[0\]\.defaultEndpoint: defaultEndpoint "10\.0\.0\.5:8080" must point at the workload itself/);
  assert.match(errors[1]!, /^spec\.ingress\[1\]\.defaultEndpoint: defaultEndpoint "127\.0\.0\.1:http" has no valid port number/);
  assert.match(errors[2]!, /^spec\.ingress\[3\]\.defaultEndpoint: port must be between 1 and 65535, got 0/);
});

test('Should reject ingress tls settings a sidecar cannot use', () => {
  const errors = errorsOf(sidecar(`  ingress:
  - port: {number: 9080, protocol: HTTP, name: http}
    tls: {mode: ISTIO_MUTUAL, credentialName: cert}
`));
  assert.deepEqual(errors.map((e) => e.split(': ')[0]), [
    'spec.ingress[0].tls.credentialName', 'spec.ingress[0].port.protocol', 'spec.ingress[0].tls.mode',
  ], errors.join('\n'));
  assert.match(errors[0]!, /credentialName is not supported on a sidecar ingress listener/);
  assert.match(errors[1]!, /a listener with tls settings needs protocol HTTPS or TLS/);
  assert.match(errors[2]!, /mode ISTIO_MUTUAL cannot be used on a sidecar ingress listener/);
});

test('Should reject an egress proxy unless the outbound mode is ALLOW_ANY', () => {
  assert.match(onlyProblem(errorsOf(sidecar(`  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
    egressProxy: {host: egress.example.com, port: {number: 3128}}
`)), 'spec.outboundTrafficPolicy.egressProxy'), /only with mode ALLOW_ANY/);
  assert.deepEqual(errorsOf(sidecar(`  outboundTrafficPolicy:
    mode: ALLOW_ANY
    egressProxy: {host: egress.example.com, port: {number: 3128}}
`)), []);
});

test('Should reject invalid workloadSelector labels and warn when it has none', () => {
  assert.match(onlyProblem(errorsOf(sidecar('  workloadSelector: {labels: {app: "*"}}\n  egress:\n  - hosts: ["./*"]\n')), 'spec.workloadSelector.labels.app'), /invalid label value "\*"/);
  assert.match(onlyProblem(problemsOf(sidecar('  workloadSelector: {}\n  egress:\n  - hosts: ["./*"]\n')), 'warning: spec.workloadSelector'), /every workload in the namespace/);
});

test('Should warn about repeated egress hosts and hosts beside */*', () => {
  const problems = problemsOf(sidecar('  egress:\n  - hosts: ["*/*", "./*", "./*"]\n'));
  assert.deepEqual(problems, [
    'warning: spec.egress[0].hosts[2]: host "./*" is listed more than once',
    'warning: spec.egress[0].hosts: "*/*" already selects every host in every namespace, so the other hosts add nothing',
  ]);
});

test('Should reject connection pool durations that are not durations', () => {
  assert.match(onlyProblem(errorsOf(sidecar(`  inboundConnectionPool:
    tcp: {connectTimeout: ten}
`)), 'spec.inboundConnectionPool.tcp.connectTimeout'), /duration/);
});
