// Istio's circuit-breaking task and outlier detection through real sidecars: a client sidecar
// (productpage, access log on) overflows ratings' connection pool, and ejects a failing reviews pod.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { echoHandler, meshServiceEntry, startMesh, type Mesh, type RunningWorkload, type WorkloadSpec } from '../support/sidecar-mesh.js';
import { proxyClient, runConcurrently } from '../support/proxy-client.js';
import { eventually } from '../support/mesh-config.js';
import { adminClusters, prometheusText } from '../support/sidecar-config-wait.js';

// This file's block: instance IPs 127.0.0.25-30, app ports 20025-20030.
const PROXY = 'http://127.0.0.25:15001';
const RATINGS = 'http://ratings.default.svc.cluster.local:9080';
const REVIEWS = 'http://reviews.default.svc.cluster.local:9080';
const DETAILS = 'http://details.default.svc.cluster.local:9080';

const pendingTimers = new Set<NodeJS.Timeout>();

/** Answers after 100 ms, so concurrent requests overlap at the breaker. */
function slowHandler(req: IncomingMessage, res: ServerResponse, who: WorkloadSpec): void {
  const t = setTimeout(() => {
    pendingTimers.delete(t);
    if (!res.destroyed) echoHandler(req, res, who);
  }, 100);
  pendingTimers.add(t);
}

/** Always fails with 503, as a broken pod would. */
function failingHandler(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.writeHead(503, { 'content-type': 'text/plain' });
  res.end('broken');
}

const productpage: WorkloadSpec = { name: 'productpage-v1', app: 'productpage', version: 'v1', ip: '127.0.0.25', port: 20025, sidecarArgs: ['--access-log'] };
const ratings: WorkloadSpec = { name: 'ratings-v1', app: 'ratings', version: 'v1', ip: '127.0.0.26', port: 20026, handler: slowHandler };
const reviewsGood: WorkloadSpec = { name: 'reviews-v1', app: 'reviews', version: 'v1', ip: '127.0.0.27', port: 20027 };
const reviewsBad: WorkloadSpec = { name: 'reviews-v2', app: 'reviews', version: 'v2', ip: '127.0.0.28', port: 20028, handler: failingHandler };
const details: WorkloadSpec = { name: 'details-v1', app: 'details', version: 'v1', ip: '127.0.0.29', port: 20029 };
// A pod that is gone: no sidecar listens on 127.0.0.30:20030, so connecting to it is refused.
const detailsGone: WorkloadSpec = { name: 'details-v2', app: 'details', version: 'v2', ip: '127.0.0.30', port: 20030, sidecar: false };

// Istio's circuit-breaking task, with ratings in place of httpbin.
const RATINGS_BREAKER = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings}
spec:
  host: ratings
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1}
      http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
`;

const REVIEWS_OUTLIER = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 1
      interval: 1s
      baseEjectionTime: 30s
      maxEjectionPercent: 100
`;

let mesh: Mesh;
let client: RunningWorkload;
const get = proxyClient(PROXY);

before(async () => {
  mesh = await startMesh({
    'services.yaml': [
      meshServiceEntry('productpage', 9080, [productpage]),
      meshServiceEntry('ratings', 9080, [ratings]),
      meshServiceEntry('reviews', 9080, [reviewsGood, reviewsBad]),
      meshServiceEntry('details', 9080, [details, detailsGone]),
    ].join('---\n'),
    'dr-ratings.yaml': RATINGS_BREAKER,
    'dr-reviews.yaml': REVIEWS_OUTLIER,
  }, [productpage, ratings, reviewsGood, reviewsBad, details, detailsGone]);
  client = mesh.workloads.get('productpage-v1')!;
});

after(async () => {
  for (const t of pendingTimers) clearTimeout(t);
  await mesh?.stop();
});

test('Should trip the circuit breaker under 20 concurrent requests with 503 x-envoy-overloaded and flag UO', async () => {
  const statuses: number[] = [];
  let overloaded = 0;
  for (let round = 0; round < 3; round++) {
    const results = await runConcurrently(20, 20, (i) => get(`${RATINGS}/ratings/${round}-${i}`));
    for (const r of results) {
      statuses.push(r.status);
      if (r.status === 503) {
        assert.equal(r.headers['x-envoy-overloaded'], 'true', 'an overflow says so');
        overloaded++;
      } else {
        assert.equal(r.status, 200, r.body);
        assert.equal(r.headers['x-envoy-overloaded'], undefined);
      }
    }
  }
  const ok = statuses.filter((s) => s === 200).length;
  assert.ok(ok >= 3, `some requests get through (${ok} of 60)`);
  assert.ok(overloaded >= 10, `many requests overflow (${overloaded} of 60)`);

  const prom = await prometheusText(client.statsPort);
  const line = prom.split('\n').find((l) => l.startsWith('istio_requests_total{') && l.includes('response_flags="UO"'));
  assert.match(line ?? '', /response_code="503"/);
  assert.equal(Number(line?.split(' ').pop()), overloaded);
  const logged = await eventually(async () => {
    const entries = client.stdout.map((l) => JSON.parse(l) as { response_flags: string; response_code: number; path: string });
    const uo = entries.filter((e) => e.path.startsWith('/ratings/') && e.response_flags === 'UO');
    return uo.length === overloaded ? uo : undefined;
  }, 5000, 'one UO access-log line per overflow');
  assert.ok(logged.every((e) => e.response_code === 503));
});

test('Should eject the endpoint that answers 5xx and send everything to the healthy one', async () => {
  const bad = `${reviewsBad.ip}:${reviewsBad.port}`;
  // Least-request picking is random between idle hosts: the failing one is met within a few calls.
  let failures = 0;
  for (let i = 0; i < 40 && failures === 0; i++) {
    const r = await get(`${REVIEWS}/reviews/${i}`);
    if (r.status === 503) {
      assert.equal(r.body, 'broken');
      failures++;
    }
  }
  assert.equal(failures, 1, 'the failing endpoint was reached');
  const results = await runConcurrently(30, 1, (i) => get(`${REVIEWS}/after/${i}`));
  assert.deepEqual(results.map((r) => r.status), Array(30).fill(200));
  assert.ok(results.every((r) => (JSON.parse(r.body) as { version: string }).version === 'v1'));
  assert.equal(mesh.workloads.get('reviews-v2')!.received.filter((q) => q.url.startsWith('/after/')).length, 0);

  const text = await adminClusters(client.adminPort);
  const cluster = 'outbound|9080||reviews.default.svc.cluster.local';
  assert.match(text, new RegExp(`^${escape(cluster)}::${escape(bad)}::health_flags::/failed_outlier_check$`, 'm'));
  assert.match(text, new RegExp(`^${escape(cluster)}::${escape(`${reviewsGood.ip}:${reviewsGood.port}`)}::health_flags::healthy$`, 'm'));
});

test('Should retry a refused connection on the other endpoint under the default retry policy', async () => {
  const results = await runConcurrently(20, 1, (i) => get(`${DETAILS}/details/${i}`));
  assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
  assert.equal(mesh.workloads.get('details-v1')!.received.filter((q) => q.url.startsWith('/details/')).length, 20);
  const text = await adminClusters(client.adminPort);
  const gone = new RegExp(`^${escape(`outbound|9080||details.default.svc.cluster.local::${detailsGone.ip}:${detailsGone.port}`)}::rq_error::([0-9]+)$`, 'm').exec(text);
  assert.ok(Number(gone?.[1]) >= 1, 'the refused endpoint was tried and failed');
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
