// Istio's traffic-shifting and mirroring tasks through real sidecars: weighted splits measured over
// hundreds of requests, a live shift on open connections, and a mirror copy with a -shadow host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { echoHandler, meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';
import { proxyClient, runConcurrently, type ProxyResponse } from '../support/proxy-client.js';
import { eventually } from '../support/mesh-config.js';
import { waitForRouteName } from '../support/sidecar-config-wait.js';

// This file's block: instance IPs 127.0.0.15-19, app ports 20015-20019.
const PROXY = 'http://127.0.0.15:15001';
const REVIEWS = 'http://reviews.default.svc.cluster.local:9080';

const pendingTimers = new Set<NodeJS.Timeout>();

/** Echoes; paths under /slow/ answer after 2 s, so requests are in flight across a config change. */
function reviewsHandler(req: IncomingMessage, res: ServerResponse, who: WorkloadSpec): void {
  if (!req.url?.startsWith('/slow/')) return echoHandler(req, res, who);
  const t = setTimeout(() => {
    pendingTimers.delete(t);
    if (!res.destroyed) echoHandler(req, res, who);
  }, 2000);
  pendingTimers.add(t);
}

const productpage: WorkloadSpec = { name: 'productpage-v1', app: 'productpage', version: 'v1', ip: '127.0.0.15', port: 20015 };
const reviews: WorkloadSpec[] = ['v1', 'v2', 'v3'].map((v, i) => ({
  name: `reviews-${v}`, app: 'reviews', version: v, ip: `127.0.0.${16 + i}`, port: 20016 + i, handler: reviewsHandler,
}));

const DESTINATION_RULE = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
`;

let mesh: Mesh;
let adminPort: number;
const get = proxyClient(PROXY);
const version = (r: ProxyResponse): string => (JSON.parse(r.body) as { version: string }).version;

/** Applies a reviews VirtualService whose single http rule is named `step`, and waits until the client serves it. */
async function applyRule(step: string, rule: string): Promise<void> {
  await mesh.apply({ 'vs.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - name: ${step}
${rule}` });
  await waitForRouteName(adminPort, step);
}

const weights = (split: Record<string, number>): string =>
  `    route:\n${Object.entries(split).map(([subset, w]) => `    - destination: {host: reviews, subset: ${subset}}\n      weight: ${w}\n`).join('')}`;

/** Sends `n` requests, 8 at a time over kept-alive connections, and counts them per version. */
async function countVersions(n: number, agent: Agent): Promise<Record<string, number>> {
  const results = await runConcurrently(n, 8, () => get(`${REVIEWS}/reviews/0`, { agent }));
  const counts: Record<string, number> = {};
  for (const r of results) {
    assert.equal(r.status, 200, r.body);
    const v = version(r);
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

before(async () => {
  mesh = await startMesh({
    'services.yaml': [meshServiceEntry('productpage', 9080, [productpage]), meshServiceEntry('reviews', 9080, reviews)].join('---\n'),
    'dr.yaml': DESTINATION_RULE,
  }, [productpage, ...reviews]);
  adminPort = mesh.workloads.get('productpage-v1')!.adminPort;
});

after(async () => {
  for (const t of pendingTimers) clearTimeout(t);
  await mesh?.stop();
});

test('Should split 50/50 and then 80/20 within 8 points over 400 requests, and shift to v3 live on open connections', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  try {
    await applyRule('split-50-50', weights({ v1: 50, v3: 50 }));
    const half = await countVersions(400, agent);
    assert.deepEqual(Object.keys(half).sort(), ['v1', 'v3']);
    assert.ok(Math.abs(half.v1! / 400 - 0.5) <= 0.08, `50/50 split landed ${JSON.stringify(half)}`);

    await applyRule('split-80-20', weights({ v1: 80, v2: 20 }));
    const most = await countVersions(400, agent);
    assert.deepEqual(Object.keys(most).sort(), ['v1', 'v2']);
    assert.ok(Math.abs(most.v1! / 400 - 0.8) <= 0.08, `80/20 split landed ${JSON.stringify(most)}`);

    await applyRule('all-v3', weights({ v3: 100 }));
    const after = await runConcurrently(40, 4, () => get(`${REVIEWS}/reviews/0`, { agent }));
    assert.deepEqual(after.map(version), Array(40).fill('v3'));
    assert.ok(after.every((r) => r.reusedSocket), 'the shift applies to connections opened before it');
  } finally {
    agent.destroy();
  }
});

test('Should serve from v1 and mirror each request to v2 with a -shadow host', async () => {
  await applyRule('mirror', `    route:
    - destination: {host: reviews, subset: v1}
      weight: 100
    mirror: {host: reviews, subset: v2}
    mirrorPercentage: {value: 100.0}
`);
  const v2 = mesh.workloads.get('reviews-v2')!;
  const paths = Array.from({ length: 5 }, (_, i) => `/mirror/${i}`);
  for (const path of paths) {
    const r = await get(`${REVIEWS}${path}`, { method: 'POST', body: `copy ${path}`, headers: { 'content-type': 'text/plain' } });
    assert.equal(r.status, 200, r.body);
    assert.equal(version(r), 'v1');
  }
  const mirrored = await eventually(async () => {
    const seen = v2.received.filter((q) => q.url.startsWith('/mirror/'));
    return seen.length >= paths.length ? seen : undefined;
  }, 5000, 'every request mirrored to v2');
  assert.deepEqual(mirrored.map((q) => q.url).sort(), paths);
  for (const q of mirrored) {
    assert.equal(q.method, 'POST');
    assert.match(String(q.headers.host), /^reviews\.default\.svc\.cluster\.local-shadow(:9080)?$/);
  }
  assert.equal(mesh.workloads.get('reviews-v1')!.received.filter((q) => q.url.startsWith('/mirror/')).length, paths.length);
});

test('Should finish in-flight requests across a route and a cluster change', async () => {
  await applyRule('inflight-v1', weights({ v1: 100 }));
  let settled = false;
  const inflight = runConcurrently(10, 10, (i) => get(`${REVIEWS}/slow/${i}`)).finally(() => (settled = true));
  const v1 = mesh.workloads.get('reviews-v1')!;
  await eventually(async () => v1.received.filter((q) => q.url.startsWith('/slow/')).length === 10, 5000, 'all 10 requests at the app');
  await mesh.apply({ 'dr.yaml': DESTINATION_RULE.replace('  subsets:', '  trafficPolicy:\n    loadBalancer: {simple: ROUND_ROBIN}\n    connectionPool:\n      http: {http1MaxPendingRequests: 100}\n  subsets:') });
  await applyRule('inflight-v2', weights({ v2: 100 }));
  assert.equal(settled, false, 'the change landed while the requests were in flight');
  const done = await inflight;
  assert.deepEqual(done.map((r) => r.status), Array(10).fill(200));
  assert.deepEqual(done.map(version), Array(10).fill('v1'));
  const next = await runConcurrently(10, 5, (i) => get(`${REVIEWS}/next/${i}`));
  assert.deepEqual(next.map(version), Array(10).fill('v2'));
});
