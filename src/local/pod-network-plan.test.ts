import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inNamespace, parsePodCidr, planPodNetwork, podNetworkCommands } from './pod-network-plan.js';

function cidr(text: string) {
  const parsed = parsePodCidr(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  return parsed.cidr;
}

test('Should read a /24 pod CIDR, written in full or as three octets', () => {
  assert.deepEqual(parsePodCidr('10.233.0.0/24'), { ok: true, cidr: { text: '10.233.0.0/24', prefix: '10.233.0' } });
  assert.deepEqual(parsePodCidr('192.168.77'), { ok: true, cidr: { text: '192.168.77.0/24', prefix: '192.168.77' } });
});

test('Should refuse a pod CIDR that is not a unicast /24', () => {
  for (const bad of ['10.233.0.0/16', '10.233.0.5/24', '10.256.0.0/24', '127.0.0.0/24', '224.1.2.0/24', 'pods', '']) {
    const parsed = parsePodCidr(bad);
    assert.equal(parsed.ok, false, bad);
    assert.match(parsed.ok ? '' : parsed.reason, /--pod-cidr/);
  }
});

test('Should give the bridge .1 and each workload the next address, with names that a later run on the same CIDR finds again', () => {
  const plan = planPodNetwork(cidr('10.233.0.0/24'), [{ name: 'productpage-v1', namespace: 'default' }, { name: 'details-v1', namespace: 'default' }]);
  assert.equal(plan.runId, '0ae900');
  assert.equal(plan.bridge, 'heddle-0ae900');
  assert.equal(plan.bridgeIp, '10.233.0.1');
  assert.deepEqual(plan.pods, [
    { workload: 'default/productpage-v1', ns: 'heddle-0ae900-productpage-v1', hostVeth: 'h0ae900-2', podVeth: 'eth0', ip: '10.233.0.2' },
    { workload: 'default/details-v1', ns: 'heddle-0ae900-details-v1', hostVeth: 'h0ae900-3', podVeth: 'eth0', ip: '10.233.0.3' },
  ]);
  assert.deepEqual(planPodNetwork(cidr('10.233.0.0/24'), [{ name: 'x', namespace: 'default' }]).bridge, plan.bridge);
  assert.notEqual(planPodNetwork(cidr('10.233.1.0/24'), []).bridge, plan.bridge);
});

test('Should give two workloads of the same name in different namespaces a namespace each', () => {
  const plan = planPodNetwork(cidr('10.9.9.0/24'), [{ name: 'web', namespace: 'a' }, { name: 'web', namespace: 'b' }, { name: 'db', namespace: 'a' }]);
  assert.deepEqual(plan.pods.map((p) => p.ns), ['heddle-0a0909-web.a', 'heddle-0a0909-web.b', 'heddle-0a0909-db']);
});

test('Should keep every interface name within Linux\'s 15 characters, even at the last address', () => {
  const workloads = Array.from({ length: 253 }, (_, i) => ({ name: `w${i}`, namespace: 'default' }));
  const plan = planPodNetwork(cidr('223.255.255.0/24'), workloads);
  assert.equal(plan.pods.at(-1)?.ip, '223.255.255.254');
  for (const name of [plan.bridge, ...plan.pods.map((p) => p.hostVeth)]) assert.ok(name.length <= 15, name);
  assert.throws(() => planPodNetwork(cidr('10.0.0.0/24'), [...workloads, { name: 'one-too-many', namespace: 'default' }]), /253/);
});

test('Should build the bridge before the pods, and give each pod lo, its address and a default route via the bridge', () => {
  const plan = planPodNetwork(cidr('10.233.0.0/24'), [{ name: 'details-v1', namespace: 'default' }]);
  assert.deepEqual(podNetworkCommands(plan).map((c) => c.join(' ')), [
    'link add heddle-0ae900 type bridge',
    'addr add 10.233.0.1/24 dev heddle-0ae900',
    'link set heddle-0ae900 up',
    'netns add heddle-0ae900-details-v1',
    'link add h0ae900-2 type veth peer name eth0 netns heddle-0ae900-details-v1',
    'link set h0ae900-2 master heddle-0ae900 up',
    '-n heddle-0ae900-details-v1 link set lo up',
    '-n heddle-0ae900-details-v1 addr add 10.233.0.2/24 dev eth0',
    '-n heddle-0ae900-details-v1 link set eth0 up',
    '-n heddle-0ae900-details-v1 route add default via 10.233.0.1',
  ]);
});

test('Should run a command inside a namespace through ip netns exec', () => {
  assert.deepEqual(inNamespace('heddle-x-a', 'node', ['app.js']), { command: 'ip', args: ['netns', 'exec', 'heddle-x-a', 'node', 'app.js'] });
});
