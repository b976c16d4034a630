// `heddle demo` as a user runs it: Bookinfo comes up behind the ingress gateway, Istio's tasks are
// applied one by one with `heddle apply` and each behaves as Istio's docs say, applied config
// outlives a crash of the control plane, and Ctrl-C leaves no process and no port behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fetchProductPage, onSubnet, portInUse, processesMatching, startDemo, type Demo, type DemoPorts, type ProcessView, type ProductPage } from '../support/demo.js';
import { REPO_ROOT } from '../support/heddle.js';
import { eventually } from '../support/mesh-config.js';

const linux = process.platform === 'linux';
// A subnet and ports of this test's own, so that a demo someone runs on the defaults does not clash.
const SUBNET = `127.11.${Math.floor(Math.random() * 200) + 20}`;
const NETWORKING = join(REPO_ROOT, 'samples/bookinfo/networking');
const REVIEWS_ERROR = 'Sorry, product reviews are currently unavailable for this book.';
const RATINGS_ERROR = 'Ratings service is currently unavailable';

let demo: Demo | undefined;
let ports: DemoPorts;

function productpage(cookie?: string): Promise<ProductPage> {
  return fetchProductPage(ports.gateway, { cookie, timeoutMs: 20_000 });
}

async function versions(n: number, cookie?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await productpage(cookie)).version ?? 'error');
  return out;
}

/** `heddle apply -f FILE` against the demo's control plane; returns its stdout. */
function apply(file: string, command: 'apply' | 'delete' = 'apply'): string {
  const r = demo!.heddle(command, join(NETWORKING, file));
  assert.equal(r.status, 0, `heddle ${command} -f ${file} failed:\n${r.stderr}`);
  return r.stdout;
}

before(async () => {
  if (!linux) return;
  demo = await startDemo(['--subnet', SUBNET], { upWithinMs: 90_000, stopWithinMs: 40_000, isOurs: onSubnet(SUBNET) });
  ports = demo.ports;
});

after(async () => {
  if (!linux) return;
  await demo?.stopAndReap();
});

test('Should serve Bookinfo through the gateway and print the URL and the tasks', { skip: linux ? false : 'needs Linux, where all of 127.0.0.0/8 is loopback' }, async () => {
  assert.match(demo!.stdout, new RegExp(`http://localhost:${ports.gateway}/productpage`));
  assert.match(demo!.stdout, /heddle apply .*virtual-service-all-v1\.yaml/);
  assert.match(demo!.stdout, /reviews\.default:9080\s+v3\s+reviews-v3/);
  const page = await productpage();
  assert.equal(page.status, 200);
  assert.match(page.body, /The Comedy of Errors/);
  assert.ok(page.version, 'the page names the reviews version that served it');
  assert.equal(demo!.pids().length, 14, 'the control plane, six apps with six sidecars, and the gateway run');
});

test('Should follow Istio\'s request routing, fault injection, traffic shifting and timeout tasks', { skip: linux ? false : 'needs Linux' }, async () => {
  assert.match(apply('virtual-service-all-v1.yaml'), /virtualservice\.networking\.istio\.io\/reviews created/);
  assert.deepEqual(new Set(await versions(8)), new Set(['v1']), 'all traffic goes to v1');

  apply('virtual-service-reviews-test-v2.yaml');
  const login = await fetch(`http://127.0.0.1:${ports.gateway}/login`, { method: 'POST', body: new URLSearchParams({ username: 'jason', passwd: '' }), redirect: 'manual' });
  const jason = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.equal(jason, 'user=jason');
  const asJason = await productpage(jason);
  assert.equal(asJason.version, 'v2', 'jason sees reviews v2');
  assert.match(asJason.body, /<font color="black">★/);
  assert.deepEqual(new Set(await versions(5)), new Set(['v1']), 'everyone else still sees v1');

  apply('virtual-service-ratings-test-delay.yaml');
  const delayed = await productpage(jason);
  assert.ok(delayed.body.includes(REVIEWS_ERROR), 'the 7 s delay outlasts productpage\'s 3 s timeout, tried twice');
  assert.ok(delayed.ms >= 5500 && delayed.ms < 7000, `the page came after two 3 s timeouts, not ${delayed.ms} ms`);

  apply('virtual-service-ratings-test-abort.yaml');
  const aborted = await productpage(jason);
  assert.equal(aborted.version, 'v2');
  assert.ok(aborted.body.includes(RATINGS_ERROR), 'ratings answers 500 to jason');

  apply('virtual-service-all-v1.yaml');
  assert.match(apply('virtual-service-reviews-50-v3.yaml'), /virtualservice\.networking\.istio\.io\/reviews configured/);
  const shifted = await versions(40);
  assert.deepEqual(new Set(shifted), new Set(['v1', 'v3']), `half to v1 and half to v3: ${shifted.join(' ')}`);

  apply('virtual-service-reviews-v3.yaml');
  const v3 = await productpage();
  assert.equal(v3.version, 'v3');
  assert.match(v3.body, /<font color="red">★/);
  assert.deepEqual(new Set(await versions(5)), new Set(['v3']));

  apply('virtual-service-reviews-timeout.yaml');
  const timedOut = await productpage();
  assert.ok(timedOut.body.includes(REVIEWS_ERROR), 'the 0.5 s timeout on reviews fires before ratings\' 2 s delay ends');
  assert.ok(timedOut.ms < 2500, `two 0.5 s timeouts, not ${timedOut.ms} ms`);

  assert.match(apply('virtual-service-reviews-timeout.yaml', 'delete'), /virtualservice\.networking\.istio\.io\/reviews deleted/);
  assert.ok((await productpage()).version, 'without the VirtualService, reviews answers again');
});

test('Should keep serving applied config after the control plane crashes and is restarted', { skip: linux ? false : 'needs Linux' }, async () => {
  apply('virtual-service-reviews-v3.yaml');
  assert.deepEqual(new Set(await versions(3)), new Set(['v3']));
  const isControlPlane = (p: ProcessView) => p.args.includes('control-plane') && p.cmdline.includes(`--xds-port\0${ports.xds}\0`);
  const [crashed] = processesMatching(isControlPlane);
  assert.ok(crashed, 'the demo\'s control plane runs');
  process.kill(crashed.pid, 'SIGKILL');
  // `heddle demo` restarts it after its backoff; the new process must serve what was applied.
  const restarted = await eventually(async () => {
    const [p] = processesMatching(isControlPlane);
    if (!p || p.pid === crashed.pid) return undefined;
    const res = await fetch(`http://127.0.0.1:${ports.monitoring}/debug/configz`, { signal: AbortSignal.timeout(2000) });
    return res.ok && ((await res.json()) as { resources: { kind: string; metadata: { name: string }; spec: { http?: { route?: { destination?: { subset?: string } }[] }[] } }[] });
  }, 30_000, 'a restarted control plane answering /debug/configz');
  const reviews = restarted.resources.find((r) => r.kind === 'VirtualService' && r.metadata.name === 'reviews');
  assert.equal(reviews?.spec.http?.[0]?.route?.[0]?.destination?.subset, 'v3', 'the applied VirtualService came back with the control plane');
  assert.deepEqual(new Set(await versions(5)), new Set(['v3']), 'the proxies, reconnected, still route to v3');
  assert.match(apply('virtual-service-reviews-v3.yaml', 'delete'), /virtualservice\.networking\.istio\.io\/reviews deleted/);
});

test('Should stop every process and free every port on Ctrl-C', { skip: linux ? false : 'needs Linux' }, async () => {
  assert.ok(demo!.pids().length > 0);
  assert.equal(await demo!.stop(), 0);
  assert.match(demo!.stdout, /stopped/);
  assert.deepEqual(demo!.pids(), [], 'no process of the demo is left');
  for (const [host, port] of [['127.0.0.1', ports.gateway], ['127.0.0.1', ports.xds], ['127.0.0.1', ports.monitoring], [`${SUBNET}.2`, 15001], [`${SUBNET}.1`, 8080]] as const) {
    assert.equal(await portInUse(host, port), false, `${host}:${port} is free`);
  }
});
