// `heddle demo --capture` as a root user runs it: every Bookinfo workload in a network namespace of
// its own behind iptables capture, the unmodified apps calling each other by service name, mutual
// TLS between the pods, a task applied live, and Ctrl-C leaving nothing behind, not even the
// leftovers of an earlier run that it found and removed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePodCidr, planPodNetwork } from '../../src/local/pod-network-plan.js';
import { fetchProductPage, startDemo, type Demo, type DemoPorts, type DemoProcessTest } from '../support/demo.js';
import { REPO_ROOT } from '../support/heddle.js';
import { HEDDLE_ENTRY, netnsUnavailableReason, run } from '../support/netns.js';

const skip = netnsUnavailableReason();
// A pod CIDR and ports of this test's own, so that a demo someone runs on the defaults does not clash.
const OCTET = 100 + (process.pid % 100);
const CIDR = `10.234.${OCTET}.0/24`;
const PREFIX = `10.234.${OCTET}`;
const parsedCidr = parsePodCidr(CIDR);
const NETWORK = planPodNetwork(parsedCidr.ok ? parsedCidr.cidr : assert.fail('bad CIDR'), []);
const STALE_NS = `${NETWORK.nsPrefix}stale`;
const NETWORKING = join(REPO_ROOT, 'samples/bookinfo/networking');

let demo: Demo | undefined;
let ports: DemoPorts;
let hostNatBefore = '';
let etcNetnsExisted = true;

/** This demo's processes: every heddle process that names a pod address, and every app given one. */
const onPodCidr: DemoProcessTest = (p) => p.cmdline.includes(`\0${PREFIX}.`) || p.environ().includes(`INSTANCE_IP=${PREFIX}.`);

function ourNamespaces(): string[] {
  return run('ip', ['netns', 'list']).stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(NETWORK.nsPrefix));
}

function istioLines(text: string): string[] {
  return text.split('\n').filter((l) => l.includes('ISTIO'));
}

/** The reviews version that served the product page, or `error`. */
async function reviewsVersion(): Promise<string> {
  const page = await fetchProductPage(ports.gateway, { timeoutMs: 10_000 });
  return page.version ?? `error ${page.status}`;
}

/** A pod's Prometheus text, read from inside its namespace. */
function podStats(workload: string): string {
  return run('ip', ['netns', 'exec', `${NETWORK.nsPrefix}${workload}`, 'curl', '-sS', '--max-time', '3', 'http://127.0.0.1:15090/stats/prometheus'], { timeoutMs: 5000 }).stdout;
}

function metricSum(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) || !Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('heddle demo --capture', { skip, timeout: 150_000 }, () => {
  before(async () => {
    hostNatBefore = run('iptables-save', ['-t', 'nat']).stdout;
    etcNetnsExisted = existsSync('/etc/netns');
    // What a killed run would leave: a namespace and its hosts dir with this CIDR's names.
    run('ip', ['netns', 'add', STALE_NS]);
    mkdirSync(`/etc/netns/${STALE_NS}`, { recursive: true });
    writeFileSync(`/etc/netns/${STALE_NS}/hosts`, '127.0.0.1 localhost\n');
    demo = await startDemo(['--capture', '--pod-cidr', CIDR], { upWithinMs: 75_000, stopWithinMs: 30_000, isOurs: onPodCidr });
    ports = demo.ports;
  });

  after(async () => {
    await demo?.stopAndReap();
    // Whatever a failed run left, so that the machine is as it was.
    for (const ns of ourNamespaces()) run('ip', ['netns', 'del', ns], { check: false });
    run('ip', ['link', 'del', NETWORK.bridge], { check: false });
    const leftDirs = existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((d) => d.startsWith(NETWORK.nsPrefix)) : [];
    if (leftDirs.length > 0) run('rm', ['-rf', ...leftDirs.map((d) => `/etc/netns/${d}`)], { check: false });
    if (!etcNetnsExisted) run('rmdir', ['/etc/netns'], { check: false });
  });

  it('Should refuse --capture to a user who is not root, and still print its plan on --dry-run', () => {
    const asNobody = (args: string[]) => run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, HEDDLE_ENTRY, 'up', '-f', join(REPO_ROOT, 'samples/bookinfo/mesh.yaml'), ...args], { check: false, timeoutMs: 30_000 });
    const refused = asNobody(['--capture', '--pod-cidr', '10.235.0.0/24']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /capture mode needs root .*explicit mode .* is the default/);
    const dryRun = asNobody(['--capture', '--pod-cidr', '10.235.0.0/24', '--dry-run']);
    assert.equal(dryRun.status, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /namespace heddle-0aeb00-productpage-v1, eth0 10\.235\.0\.2\/24/);
    assert.match(dryRun.stdout, /iptables -t nat -A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN/);
    assert.match(dryRun.stdout, /run: ip netns exec heddle-0aeb00-details-v1 .*details\.js/);
  });

  it('Should remove the leftovers of an earlier run on the same pod CIDR, and say so', () => {
    assert.match(demo!.stdout, new RegExp(`removing what an earlier run on pod CIDR ${CIDR.replace(/\./g, '\\.')} left behind: namespace ${STALE_NS}`));
    assert.ok(!ourNamespaces().includes(STALE_NS));
    assert.ok(!existsSync(`/etc/netns/${STALE_NS}`));
  });

  it('Should serve Bookinfo through the gateway while each app calls the others by name, captured by its sidecar', async () => {
    assert.equal(ourNamespaces().length, 6, 'one namespace per workload');
    assert.match(demo!.stdout, /reviews\.default:9080\s+v3\s+reviews-v3\s+10\.234\.\d+\.6:9080\s+0\.0\.0\.0:9080 in /);
    const version = await reviewsVersion();
    assert.match(version, /^v[123]$/, 'the page names the reviews version that served it');
    // productpage's own sidecar reported its plain calls to reviews as the source: capture, not HTTP_PROXY, took them there.
    const source = metricSum(podStats('productpage-v1'), 'istio_requests_total', { reporter: 'source', destination_service: 'reviews.default.svc.cluster.local', response_code: '200' });
    assert.ok(source >= 1, `productpage's sidecar saw ${source} requests to reviews`);
  });

  it('Should carry the calls between pods over mutual TLS, as the destination sidecar reports', async () => {
    await reviewsVersion();
    const stats = podStats('details-v1');
    const mtls = metricSum(stats, 'istio_requests_total', { reporter: 'destination', connection_security_policy: 'mutual_tls', source_principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage' });
    assert.ok(mtls >= 1, `details' sidecar counted ${mtls} mutual-TLS requests from productpage`);
    assert.equal(metricSum(stats, 'istio_requests_total', { reporter: 'destination', connection_security_policy: 'none' }), 0, 'no plaintext request reached details');
  });

  it('Should apply Istio\'s "all traffic to v3" task live', async () => {
    const r = demo!.heddle('apply', join(NETWORKING, 'virtual-service-reviews-v3.yaml'), NETWORK.bridgeIp);
    assert.equal(r.status, 0, r.stderr);
    let seen: string[] = [];
    for (let i = 0; i < 40 && !(seen.length >= 5 && seen.slice(-5).every((v) => v === 'v3')); i++) {
      seen.push(await reviewsVersion());
      if (seen.at(-1) !== 'v3') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    seen = seen.slice(-5);
    assert.deepEqual(seen, ['v3', 'v3', 'v3', 'v3', 'v3']);
  });

  it('Should leave no process, namespace, bridge, hosts file or capture rule behind on Ctrl-C', async () => {
    assert.ok(demo!.pids().length > 0);
    assert.equal(await demo!.stop(), 0);
    assert.match(demo!.stdout, /stopped/);
    assert.deepEqual(demo!.pids(), [], 'no process of the demo is left');
    assert.deepEqual(ourNamespaces(), []);
    assert.notEqual(run('ip', ['link', 'show', 'dev', NETWORK.bridge], { check: false }).status, 0, `bridge ${NETWORK.bridge} is gone`);
    assert.deepEqual(existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((d) => d.startsWith(NETWORK.nsPrefix)) : [], []);
    assert.ok(!existsSync(`/run/heddle-${NETWORK.runId}.pid`), 'the lock is gone');
    assert.deepEqual(istioLines(run('iptables-save', ['-t', 'nat']).stdout), istioLines(hostNatBefore), 'the host\'s nat table is as it was');
  });
});
