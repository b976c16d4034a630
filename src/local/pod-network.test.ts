import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandOutcome, CommandRunner } from '../interception/command-runner.js';
import { captureUnavailableReason, createPodNetwork, PodNetworkError, type PodNetworkDeps } from './pod-network.js';
import { parsePodCidr, planPodNetwork } from './pod-network-plan.js';

const INSTALLED = `*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:ISTIO_INBOUND - [0:0]
:ISTIO_OUTPUT - [0:0]
-A PREROUTING -p tcp -j ISTIO_INBOUND
-A OUTPUT -p tcp -j ISTIO_OUTPUT
COMMIT
`;

/** A fake `ip` (and iptables inside namespaces) that keeps the namespaces and links it was told to make. */
function fakeSystem(initial: { namespaces?: string[]; links?: string[]; pids?: Record<string, number[]> } = {}) {
  const namespaces = new Set(initial.namespaces ?? []);
  const links = new Set(initial.links ?? []);
  const calls: string[] = [];
  const vethIn = new Map<string, string>();
  const ok = (stdout = ''): CommandOutcome => ({ code: 0, stdout, stderr: '', missing: false });
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    if (file !== 'ip') return ok();
    const [a, b, c] = args;
    if (a === 'netns' && b === 'list') return ok([...namespaces].map((n) => `${n} (id: 0)\n`).join(''));
    if (a === 'netns' && b === 'add') namespaces.add(c!);
    if (a === 'netns' && b === 'del') {
      namespaces.delete(c!);
      // A veth pair goes with the namespace that holds one end.
      for (const [link, ns] of vethIn) if (ns === c) links.delete(link);
    }
    if (a === 'netns' && b === 'pids') return ok((initial.pids?.[c!] ?? []).map((p) => `${p}\n`).join(''));
    if (a === 'netns' && b === 'exec') return ok(args[3] === 'iptables-save' ? INSTALLED : '');
    if (a === 'link' && b === 'add') links.add(c!);
    if (a === 'link' && b === 'add' && args[4] === 'veth') vethIn.set(c!, args.at(-1)!);
    if (a === 'link' && b === 'del') links.delete(c!);
    if (a === 'link' && b === 'show') return links.has(args[3]!) ? ok() : { code: 1, stdout: '', stderr: 'does not exist', missing: false };
    return ok();
  };
  return { namespaces, links, calls, run };
}

async function setup(system: ReturnType<typeof fakeSystem>, deps: Partial<PodNetworkDeps> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-podnet-test-'));
  const parsed = parsePodCidr('10.233.0.0/24');
  assert.ok(parsed.ok);
  const plan = planPodNetwork(parsed.cidr, [{ name: 'a', namespace: 'default' }, { name: 'b', namespace: 'default' }]);
  const notes: string[] = [];
  const killed: number[] = [];
  const etcNetnsDir = join(dir, 'netns');
  const network = createPodNetwork(plan, {
    run: system.run, etcNetnsDir, lockDir: dir, pid: 4242, isAlive: () => false, kill: (p) => void killed.push(p), note: (t) => void notes.push(t), ...deps,
  });
  return { dir, etcNetnsDir, plan, network, notes, killed, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test('Should create the bridge and every pod namespace, and write each pod\'s hosts file where ip netns exec mounts it', async () => {
  const system = fakeSystem();
  const t = await setup(system);
  try {
    await t.network.create(new Map([['heddle-0ae900-a', 'hosts of a\n'], ['heddle-0ae900-b', 'hosts of b\n']]));
    assert.deepEqual([...system.namespaces], ['heddle-0ae900-a', 'heddle-0ae900-b']);
    assert.ok(system.links.has('heddle-0ae900'));
    assert.equal(await readFile(join(t.etcNetnsDir, 'heddle-0ae900-b', 'hosts'), 'utf8'), 'hosts of b\n');
    assert.equal(await readFile(join(t.dir, 'heddle-0ae900.pid'), 'utf8'), '4242\n');
    assert.deepEqual(t.notes, [], 'nothing was left over');
  } finally {
    await t.cleanup();
  }
});

test('Should install the capture rules inside every pod namespace', async () => {
  const system = fakeSystem();
  const t = await setup(system);
  try {
    await t.network.create(new Map());
    system.calls.length = 0;
    await t.network.installCapture();
    for (const ns of ['heddle-0ae900-a', 'heddle-0ae900-b']) {
      assert.ok(system.calls.includes(`ip netns exec ${ns} iptables-restore --noflush`), `rules restored in ${ns}: ${system.calls.join('; ')}`);
    }
    assert.ok(!system.calls.some((c) => c.includes('ip6tables')), 'the pod network is IPv4 only');
  } finally {
    await t.cleanup();
  }
});

test('Should clean the rules, stop what still runs inside, and delete the namespaces, bridge, hosts files and lock on remove', async () => {
  const system = fakeSystem({ pids: { 'heddle-0ae900-a': [777] } });
  const t = await setup(system);
  try {
    await t.network.create(new Map([['heddle-0ae900-a', 'x']]));
    system.calls.length = 0;
    await t.network.remove();
    assert.ok(system.calls.includes('ip netns exec heddle-0ae900-a iptables -t nat -D PREROUTING -p tcp -j ISTIO_INBOUND'), system.calls.join('; '));
    assert.ok(system.calls.indexOf('ip netns exec heddle-0ae900-a iptables -t nat -X ISTIO_INBOUND') < system.calls.indexOf('ip netns del heddle-0ae900-a'), 'rules are cleaned before the namespace goes');
    assert.deepEqual(t.killed, [777]);
    assert.deepEqual([...system.namespaces], []);
    assert.deepEqual([...system.links], []);
    assert.deepEqual(await readdir(t.dir), [], '/etc/netns (created by this run), its pod dirs and the lock are gone');
    system.calls.length = 0;
    await t.network.remove();
    assert.deepEqual(system.calls, [], 'a second remove does nothing');
  } finally {
    await t.cleanup();
  }
});

test('Should remove what a killed run on the same CIDR left behind before creating, and say so', async () => {
  const system = fakeSystem({ namespaces: ['heddle-0ae900-a', 'heddle-0ae900-old', 'someone-elses'], links: ['heddle-0ae900', 'eth0'], pids: { 'heddle-0ae900-old': [9] } });
  const t = await setup(system);
  try {
    await mkdir(join(t.etcNetnsDir, 'heddle-0ae900-old'), { recursive: true });
    await writeFile(join(t.dir, 'heddle-0ae900.pid'), '31337\n');
    await t.network.create(new Map());
    assert.equal(t.notes.length, 1);
    assert.match(t.notes[0]!, /earlier run on pod CIDR 10\.233\.0\.0\/24 left behind: bridge heddle-0ae900, namespace heddle-0ae900-a, namespace heddle-0ae900-old, .*heddle-0ae900-old/);
    assert.deepEqual(t.killed, [9]);
    assert.deepEqual([...system.namespaces].sort(), ['heddle-0ae900-a', 'heddle-0ae900-b', 'someone-elses']);
    assert.deepEqual((await readdir(t.etcNetnsDir)).sort(), ['heddle-0ae900-a', 'heddle-0ae900-b']);
    assert.ok(system.links.has('eth0'), 'other links are left alone');
  } finally {
    await t.cleanup();
  }
});

test('Should refuse a pod CIDR that a running heddle up holds, and leave its network alone', async () => {
  const system = fakeSystem({ namespaces: ['heddle-0ae900-a'], links: ['heddle-0ae900'] });
  const t = await setup(system, { isAlive: (pid) => pid === 31337 });
  try {
    await writeFile(join(t.dir, 'heddle-0ae900.pid'), '31337\n');
    await assert.rejects(t.network.create(new Map()), (err: unknown) => err instanceof PodNetworkError && err.code === 'IN_USE' && /pid 31337.*--pod-cidr/.test(err.message));
    await t.network.remove();
    assert.deepEqual([...system.namespaces], ['heddle-0ae900-a']);
    assert.ok(system.links.has('heddle-0ae900'));
    assert.equal(await readFile(join(t.dir, 'heddle-0ae900.pid'), 'utf8'), '31337\n');
  } finally {
    await t.cleanup();
  }
});

test('Should name the failing command when the network cannot be made', async () => {
  const system = fakeSystem();
  const run: CommandRunner = async (file, args, input) => (args[0] === 'link' && args[1] === 'add' && args[3] === 'type' && args[4] === 'bridge'
    ? { code: 2, stdout: '', stderr: 'RTNETLINK answers: Operation not permitted', missing: false }
    : system.run(file, args, input));
  const t = await setup(system, { run });
  try {
    await assert.rejects(t.network.create(new Map()), /ip link add heddle-0ae900 type bridge failed \(exit 2\): RTNETLINK answers: Operation not permitted/);
  } finally {
    await t.cleanup();
  }
});

test('Should explain that capture needs root and that explicit mode is the default', () => {
  assert.equal(captureUnavailableReason(0), undefined);
  assert.match(captureUnavailableReason(1000) ?? '', /needs root \(this is uid 1000\).*explicit mode .* is the default/);
});
