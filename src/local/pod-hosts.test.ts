import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MeshWorkload } from './mesh-file.js';
import { buildPodHosts } from './pod-hosts.js';

function workload(name: string, namespace: string, app: string): MeshWorkload {
  return { name, namespace, serviceAccount: 'default', labels: { app }, ports: [{ name: 'http', port: 9080 }], command: ['node'], env: {}, cwd: '/' };
}

const WORKLOADS = [
  { workload: workload('reviews-v1', 'default', 'reviews'), ip: '10.233.0.2' },
  { workload: workload('reviews-v2', 'default', 'reviews'), ip: '10.233.0.3' },
  { workload: workload('ratings-v1', 'shop', 'ratings'), ip: '10.233.0.4' },
];

test('Should map each service\'s names to the address of its first workload', () => {
  const hosts = buildPodHosts(WORKLOADS, 'default');
  assert.match(hosts, /^10\.233\.0\.2\treviews\.default\.svc\.cluster\.local reviews\.default\.svc reviews\.default reviews$/m);
  assert.doesNotMatch(hosts, /10\.233\.0\.3/, 'one line per service, not per workload');
});

test('Should resolve a short name only within the pod\'s own namespace, as Kubernetes\' search path does', () => {
  const inDefault = buildPodHosts(WORKLOADS, 'default');
  assert.match(inDefault, /^10\.233\.0\.4\tratings\.shop\.svc\.cluster\.local ratings\.shop\.svc ratings\.shop$/m);
  const inShop = buildPodHosts(WORKLOADS, 'shop');
  assert.match(inShop, /^10\.233\.0\.4\t.* ratings\.shop ratings$/m);
  assert.match(inShop, /^10\.233\.0\.2\t.* reviews\.default$/m);
});

test('Should keep localhost resolvable, since the file replaces /etc/hosts', () => {
  const hosts = buildPodHosts([], 'default');
  assert.match(hosts, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(hosts, /^::1\tlocalhost/m);
});
