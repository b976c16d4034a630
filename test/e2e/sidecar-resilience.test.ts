// Istio's fault-injection, request-timeout and retry tasks through real sidecars: a client sidecar
// (productpage, with its access log on) calls ratings, whose app fails or stalls on request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { echoHandler, meshServiceEntry, startMesh, type Mesh, type RunningWorkload, type WorkloadSpec } from '../support/sidecar-mesh.js';
import { proxyClient, runConcurrently } from '../support/proxy-client.js';
import { eventually } from '../support/mesh-config.js';
import { prometheusText, waitForRouteName } from '../support/sidecar-config-wait.js';

// This file's block: instance IPs 127.0.0.20-24, app ports 20020-20024.
const PROXY = 'http://127.0.0.20:15001';
const RATINGS = 'http://ratings.default.svc.cluster.local:9080';

/** Calls seen per `x-test-id`, so a test can tell how many attempts one request took. */
const attemptsById = new Map<string, number>();
const pendingTimers = new Set<NodeJS.Timeout>();

/**
 * Ratings: `x-fail-times: N` fails the first N calls of an `x-test-id` with 503; `x-slow-times: N`
 * stalls its first N calls for 2 s; `/sleep/MS` answers after MS milliseconds. Otherwise it echoes.
 */
function ratingsHandler(req: IncomingMessage, res: ServerResponse, who: WorkloadSpec): void {
  const id = String(req.headers['x-test-id'] ?? '');
  const n = (attemptsById.get(id) ?? 0) + 1;
  if (id) attemptsById.set(id, n);
  const delayed = (ms: number) => {
    const t = setTimeout(() => {
      pendingTimers.delete(t);
      if (!res.destroyed) echoHandler(req, res, who);
    }, ms);
    pendingTimers.add(t);
  };
  const sleep = /^\/sleep\/(\d+)$/.exec(req.url ?? '');
  if (sleep) return delayed(Number(sleep[1]));
  if (req.url === '/stall-body') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '10' });
    res.write('12345');
    const t = setTimeout(() => {
      pendingTimers.delete(t);
      if (!res.destroyed) res.end('67890');
    }, 2000);
    pendingTimers.add(t);
    return;
  }
  if (n <= Number(req.headers['x-fail-times'] ?? 0)) {
    req.resume();
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end(`failing attempt ${n}`);
    return;
  }
  if (n <= Number(req.headers['x-slow-times'] ?? 0)) return delayed(2000);
  echoHandler(req, res, who);
}

const productpage: WorkloadSpec = { name: 'productpage-v1', app: 'productpage', version: 'v1', ip: '127.0.0.20', port: 20020, sidecarArgs: ['--access-log'] };
const ratings: WorkloadSpec = { name: 'ratings-v1', app: 'ratings', version: 'v1', ip: '127.0.0.21', port: 20021, handler: ratingsHandler };

let mesh: Mesh;
let client: RunningWorkload;
let app: RunningWorkload;
const get = proxyClient(PROXY);
let ids = 0;
const testId = (): string => `t${++ids}`;

/** Applies a ratings VirtualService whose first http rule is named `step`, and waits until the client serves it. */
async function applyRoutes(step: string, http: string): Promise<void> {
  await mesh.apply({ 'vs.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
${http}` });
  await waitForRouteName(client.adminPort, step);
}

/** The attempt counts (`x-envoy-attempt-count`) the app saw for one test id, in order. */
function attemptCounts(id: string): string[] {
  return app.received.filter((q) => q.headers['x-test-id'] === id).map((q) => String(q.headers['x-envoy-attempt-count']));
}

before(async () => {
  mesh = await startMesh({
    'services.yaml': [meshServiceEntry('productpage', 9080, [productpage]), meshServiceEntry('ratings', 9080, [ratings])].join('---\n'),
    'dr.yaml': `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings}
spec:
  host: ratings
  subsets:
  - {name: v1, labels: {version: v1}}
`,
  }, [productpage, ratings]);
  client = mesh.workloads.get('productpage-v1')!;
  app = mesh.workloads.get('ratings-v1')!;
});

after(async () => {
  for (const t of pendingTimers) clearTimeout(t);
  await mesh?.stop();
});

test('Should delay jason by the 2 s fixed delay and flag DI, and not delay others', async () => {
  await applyRoutes('delay-jason', `  - name: delay-jason
    match:
    - headers:
        end-user: {exact: jason}
    fault:
      delay:
        percentage: {value: 100.0}
        fixedDelay: 2s
    route:
    - destination: {host: ratings, subset: v1}
  - route:
    - destination: {host: ratings, subset: v1}
`);
  const fast = await get(`${RATINGS}/ratings/0`, { headers: { 'end-user': 'mary' } });
  assert.equal(fast.status, 200);
  assert.ok(fast.elapsedMs < 1500, `others are not delayed (${fast.elapsedMs} ms)`);
  const slow = await get(`${RATINGS}/ratings/jason`, { headers: { 'end-user': 'jason' } });
  assert.equal(slow.status, 200, slow.body);
  assert.ok(slow.elapsedMs >= 2000, `jason waited ${slow.elapsedMs} ms`);
  assert.ok(slow.elapsedMs < 4000, `jason waited ${slow.elapsedMs} ms`);
  const entry = await eventually(async () => client.stdout
    .map((l) => JSON.parse(l) as { path: string; response_flags: string; duration: number })
    .find((e) => e.path === '/ratings/jason'), 5000, 'the access log entry of the delayed request');
  assert.match(entry.response_flags, /\bDI\b/);
  assert.ok(entry.duration >= 2000);
});

test('Should abort every request with 500 "fault filter abort" at 100%', async () => {
  await applyRoutes('abort-all', `  - name: abort-all
    fault:
      abort:
        percentage: {value: 100.0}
        httpStatus: 500
    route:
    - destination: {host: ratings, subset: v1}
`);
  const before = app.received.length;
  for (let i = 0; i < 5; i++) {
    const r = await get(`${RATINGS}/ratings/abort`);
    assert.equal(r.status, 500);
    assert.equal(r.body, 'fault filter abort');
  }
  assert.equal(app.received.length, before, 'aborted requests never reach the app');
  const prom = await prometheusText(client.statsPort);
  const line = prom.split('\n').find((l) => l.startsWith('istio_requests_total{') && l.includes('response_flags="FI"'));
  assert.match(line ?? '', /response_code="500"/);
  assert.match(line ?? '', /\} 5$/);
});

test('Should abort roughly half of 100 requests at 50%', async () => {
  await applyRoutes('abort-half', `  - name: abort-half
    fault:
      abort:
        percentage: {value: 50.0}
        httpStatus: 500
    route:
    - destination: {host: ratings, subset: v1}
`);
  const results = await runConcurrently(100, 4, () => get(`${RATINGS}/ratings/half`));
  const aborted = results.filter((r) => r.status === 500).length;
  assert.equal(results.filter((r) => r.status === 200).length + aborted, 100);
  assert.ok(aborted >= 30 && aborted <= 70, `${aborted} of 100 aborted`);
});

test('Should answer 504 "upstream request timeout" after the 0.5 s route timeout, cut off a slow body, and wait without one', async () => {
  await applyRoutes('timeout', `  - name: timeout
    timeout: 0.5s
    route:
    - destination: {host: ratings, subset: v1}
`);
  const timedOut = await get(`${RATINGS}/sleep/2000`);
  assert.equal(timedOut.status, 504);
  assert.equal(timedOut.body, 'upstream request timeout');
  assert.ok(timedOut.elapsedMs >= 450 && timedOut.elapsedMs < 1500, `timed out after ${timedOut.elapsedMs} ms`);

  const stalled = await get(`${RATINGS}/stall-body`).then(() => undefined, (err: Error) => err);
  assert.ok(stalled, 'a body still arriving at the route timeout is cut off');
  const cut = await eventually(async () => client.stdout
    .map((l) => JSON.parse(l) as { path: string; response_flags: string; duration: number })
    .find((e) => e.path === '/stall-body'), 5000, 'the access log entry of the cut-off response');
  assert.match(cut.response_flags, /\bUT\b/);
  assert.ok(cut.duration < 1500, `cut off after ${cut.duration} ms`);

  await applyRoutes('no-timeout', `  - name: no-timeout
    route:
    - destination: {host: ratings, subset: v1}
`);
  const waited = await get(`${RATINGS}/sleep/2000`);
  assert.equal(waited.status, 200, waited.body);
  assert.ok(waited.elapsedMs >= 2000, `answered after ${waited.elapsedMs} ms`);
  const whole = await get(`${RATINGS}/stall-body`);
  assert.equal(whole.body, '1234567890');
});

test('Should retry a 503 up to 3 attempts with retryOn 5xx, counting attempts 1, 2, 3', async () => {
  await applyRoutes('retries', `  - name: retries
    retries: {attempts: 3, retryOn: 5xx}
    route:
    - destination: {host: ratings, subset: v1}
`);
  const id = testId();
  const r = await get(`${RATINGS}/ratings/retry`, { headers: { 'x-test-id': id, 'x-fail-times': '2' } });
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(attemptCounts(id), ['1', '2', '3']);

  const exhausted = testId();
  const failed = await get(`${RATINGS}/ratings/retry`, { headers: { 'x-test-id': exhausted, 'x-fail-times': '10' } });
  assert.equal(failed.status, 503);
  assert.equal(attemptsById.get(exhausted), 4, 'one try and 3 retries');
});

test('Should replay a 100 KB POST body on each retry', async () => {
  await applyRoutes('retries-post', `  - name: retries-post
    retries: {attempts: 3, retryOn: 5xx}
    route:
    - destination: {host: ratings, subset: v1}
`);
  const id = testId();
  const body = 'r'.repeat(100 * 1024);
  const r = await get(`${RATINGS}/ratings/post`, { method: 'POST', body, headers: { 'x-test-id': id, 'x-fail-times': '2', 'content-type': 'text/plain' } });
  assert.equal(r.status, 200, r.body.slice(0, 200));
  assert.equal((JSON.parse(r.body) as { body: string }).body, body);
  assert.deepEqual(attemptCounts(id), ['1', '2', '3']);
});

test('Should pass the 503 through with attempts 0', async () => {
  await applyRoutes('no-retries', `  - name: no-retries
    retries: {attempts: 0}
    route:
    - destination: {host: ratings, subset: v1}
`);
  const id = testId();
  const r = await get(`${RATINGS}/ratings/once`, { headers: { 'x-test-id': id, 'x-fail-times': '1' } });
  assert.equal(r.status, 503);
  assert.equal(r.body, 'failing attempt 1');
  assert.equal(attemptsById.get(id), 1);
});

test('Should not retry a 503 under the default retry policy', async () => {
  await applyRoutes('default-retries', `  - name: default-retries
    route:
    - destination: {host: ratings, subset: v1}
`);
  const id = testId();
  const r = await get(`${RATINGS}/ratings/default`, { headers: { 'x-test-id': id, 'x-fail-times': '1' } });
  assert.equal(r.status, 503);
  assert.equal(attemptsById.get(id), 1);
});

test('Should retry an attempt that exceeds perTryTimeout', async () => {
  await applyRoutes('per-try', `  - name: per-try
    timeout: 5s
    retries: {attempts: 2, perTryTimeout: 0.3s, retryOn: 5xx}
    route:
    - destination: {host: ratings, subset: v1}
`);
  const id = testId();
  const r = await get(`${RATINGS}/ratings/slow`, { headers: { 'x-test-id': id, 'x-slow-times': '1' } });
  assert.equal(r.status, 200, r.body);
  assert.ok(r.elapsedMs < 1500, `answered after ${r.elapsedMs} ms`);
  assert.deepEqual(attemptCounts(id), ['1', '2']);

  const stuck = testId();
  const slow = await get(`${RATINGS}/ratings/slow`, { headers: { 'x-test-id': stuck, 'x-slow-times': '10' } });
  assert.equal(slow.status, 504);
  assert.equal(slow.body, 'upstream request timeout');
  assert.equal(attemptsById.get(stuck), 3);
});

test('Should not retry or time out a route that injects a fault', async () => {
  await applyRoutes('fault-no-retry', `  - name: fault-no-retry
    timeout: 0.5s
    retries: {attempts: 3, retryOn: 5xx}
    fault:
      delay:
        percentage: {value: 100.0}
        fixedDelay: 1s
    route:
    - destination: {host: ratings, subset: v1}
`);
  const id = testId();
  const r = await get(`${RATINGS}/ratings/fault`, { headers: { 'x-test-id': id, 'x-fail-times': '1' } });
  assert.equal(r.status, 503, 'the 503 is not retried');
  assert.equal(r.body, 'failing attempt 1');
  assert.ok(r.elapsedMs >= 1000, `the delay is not cut short by the timeout (${r.elapsedMs} ms)`);
  assert.equal(attemptsById.get(id), 1);
});
