import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';

const workloadEntry = (spec: string) => `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: details-vm, namespace: bookinfo}
spec:
${spec}`;

test('Should accept a VM WorkloadEntry with an IP address', () => {
  assert.deepEqual(problemsOf(workloadEntry(`  serviceAccount: details-legacy
  address: 2.2.2.2
  labels: {app: details-legacy, instance-id: vm1}
  ports: {http: 9080}
  locality: us-central1/us-central1-a/rack7
  weight: 10
`)), []);
});

test('Should accept a DNS name or a unix socket as the address', () => {
  assert.deepEqual(errorsOf(workloadEntry('  address: vm1.details.example.com\n')), []);
  assert.deepEqual(errorsOf(workloadEntry('  address: unix:///var/run/details.sock\n')), []);
});

test('Should reject a WorkloadEntry without an address or network', () => {
  assert.deepEqual(errorsOf(workloadEntry('  labels: {app: details}\n')), [
    "spec.address: address is required unless network is set (then the workload is reached through that network's gateway)",
  ]);
});

test('Should accept a WorkloadEntry without an address when its network is set', () => {
  assert.deepEqual(problemsOf(workloadEntry('  network: vm-network\n  labels: {app: details}\n')), []);
});

test('Should reject an address that is neither an IP, a DNS name nor a unix socket', () => {
  assert.deepEqual(errorsOf(workloadEntry('  address: "vm_1:9080"\n')), [
    'spec.address: "vm_1:9080" is not an IP address, a DNS name or a unix:// path',
  ]);
});

test('Should reject ports on a unix socket address and a relative socket path', () => {
  const errors = errorsOf(workloadEntry('  address: unix://run/details.sock\n  ports: {http: 9080}\n'));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.address: "unix:\/\/run\/details\.sock" is not an absolute path/);
  assert.match(errors[1]!, /^spec\.ports: a unix:\/\/ endpoint has no ports/);
});

test('Should reject out-of-range ports and invalid port names, keyed by name', () => {
  const errors = errorsOf(workloadEntry('  address: 10.0.0.1\n  ports: {http: 70000, Http_Alt: 8080}\n'));
  assert.deepEqual(errors.map((e) => e.split(': ')[0]), ['spec.ports.http', 'spec.ports.Http_Alt'], errors.join('\n'));
  assert.match(errors[0]!, /port must be between 1 and 65535, got 70000/);
  assert.match(errors[1]!, /invalid port name/);
});

test('Should reject invalid labels and an invalid service account name', () => {
  const errors = errorsOf(workloadEntry('  address: 10.0.0.1\n  labels: {"-app": details}\n  serviceAccount: Details_SA\n'));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.labels\.-app: invalid label key/);
  assert.match(errors[1]!, /^spec\.serviceAccount: invalid service account name/);
});

test('Should reject a negative weight through the schema', () => {
  assert.deepEqual(errorsOf(workloadEntry('  address: 10.0.0.1\n  weight: -1\n')), ['spec.weight: must be >= 0']);
});

test('Should warn about a locality that is not region/zone/subzone', () => {
  assert.deepEqual(problemsOf(workloadEntry('  address: 10.0.0.1\n  locality: us-east1//rack1\n')), [
    'warning: spec.locality: locality "us-east1//rack1" should have the form region/zone/subzone, such as "us-east1/us-east1-b/rack4"',
  ]);
});
