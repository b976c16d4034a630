// Operating two real sidecars: NACK of a config the sidecar cannot apply, Istio telemetry (metrics,
// access logs, request headers), the admin port, the control plane going away and coming back,
// and draining on SIGTERM. The tests run in order and share one mesh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runHeddle } from '../support/heddle.js';
import { eventually } from '../support/mesh-config.js';
import { curl, echoHandler, meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

/** Echoes, but `/slow` answers after a second (an in-flight request to drain). */
function slowOrEcho(req: IncomingMessage, res: ServerResponse, who: WorkloadSpec): void {
  if (req.url?.startsWith('/slow')) setTimeout(() => echoHandler(req, res, who), 1000);
  else echoHandler(req, res, who);
}

const CLIENT: WorkloadSpec = { name: 'productpage-v1', app: 'productpage', version: 'v1', ip: '127.0.0.50', port: 21100, sidecarArgs: ['--access-log'] };
const SERVER: WorkloadSpec = { name: 'reviews-v1', app: 'reviews', version: 'v1', ip: '127.0.0.51', port: 21101, handler: slowOrEcho, sidecarArgs: ['--access-log', '--drain-timeout', '5000'] };
const PROXY = `http://${CLIENT.ip}:15001`;
const REVIEWS = 'reviews.default.svc.cluster.local';
const URL_REVIEWS = `http://${REVIEWS}:9080`;
const CLIENT_NODE = `sidecar~${CLIENT.ip}~${CLIENT.name}.default~default.svc.cluster.local`;

let mesh: Mesh;

const SERVICES = [meshServiceEntry('productpage', 9080, [CLIENT]), meshServiceEntry('reviews', 9080, [SERVER])].join('---\n');

/** Istio's destination-rule-reviews, with a warm-up window (slow start), which this sidecar does not implement. */
const DR_WITH_WARMUP = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      simple: ROUND_ROBIN
      warmupDurationSecs: 30s
  subsets:
  - name: v1
    labels: {version: v1}
`;
const DR_PLAIN = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    tls: {mode: DISABLE}
  subsets:
  - name: v1
    labels: {version: v1}
`;

interface ProxyStatus {
  proxy: string;
  xds: Record<string, { state: string; nack?: { version?: string; message: string } }>;
}

function proxyStatus(): { table: string; json: ProxyStatus[] } {
  const controlPlane = `http://127.0.0.1:${mesh.monitoringPort}`;
  const json = runHeddle(['proxy-status', '-o', 'json', '--control-plane', controlPlane]);
  const table = runHeddle(['proxy-status', '--control-plane', controlPlane]);
  if (json.status !== 0 || table.status !== 0) throw new Error(`proxy-status failed: ${json.stderr}${table.stderr}`);
  return { table: table.stdout, json: JSON.parse(json.stdout) as ProxyStatus[] };
}

async function stats(workload: WorkloadSpec): Promise<string> {
  const port = mesh.workloads.get(workload.name)!.statsPort;
  return (await fetch(`http://127.0.0.1:${port}/stats/prometheus`, { signal: AbortSignal.timeout(5000) })).text();
}

function admin(workload: WorkloadSpec, path: string, init?: RequestInit): Promise<Response> {
  const port = mesh.workloads.get(workload.name)!.adminPort;
  return fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
}

/** Lines of a Prometheus text page for `metric` whose labels include every one of `labels`. */
function series(text: string, metric: string, labels: Record<string, string>): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${metric}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
}

/** Resolves with the process's exit code, or undefined if it is still running after `ms`. */
function exitWithin(pid: ReturnType<Mesh['workloads']['get']>, ms: number): Promise<number | null | undefined> {
  const child = pid!.sidecar!;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

before(async () => {
  mesh = await startMesh({ 'services.yaml': SERVICES }, [CLIENT, SERVER]);
});

after(async () => {
  await mesh?.stop();
});

test('Should NACK a DestinationRule the sidecar cannot apply, keep serving, and clear the NACK once fixed', async () => {
  assert.equal((await curl(PROXY, `${URL_REVIEWS}/before`)).status, 200);
  await mesh.apply({ 'dr.yaml': DR_WITH_WARMUP });
  const nacked = await eventually(async () => {
    const me = proxyStatus().json.find((p) => p.proxy === CLIENT_NODE);
    return me?.xds.CDS?.state === 'NACKED' ? me : undefined;
  }, 15_000, 'the client sidecar NACKs CDS');
  const message = nacked.xds.CDS?.nack?.message ?? '';
  assert.match(message, /outbound\|9080\|\|reviews\.default\.svc\.cluster\.local/, `the NACK names the cluster: ${message}`);
  assert.match(message, /round_robin_lb_config\.slow_start_config/, `the NACK names the field path: ${message}`);
  const table = proxyStatus().table;
  assert.match(table, /productpage-v1\.default\s+sidecar\s+NACKED/);
  assert.match(table, /productpage-v1\.default CDS NACK/);

  const during = await curl(PROXY, `${URL_REVIEWS}/during-nack`);
  assert.equal(during.status, 200, 'the last good config keeps serving');
  assert.equal(JSON.parse(during.body).path, '/during-nack');

  await mesh.apply({ 'dr.yaml': DR_PLAIN });
  await eventually(async () => {
    const me = proxyStatus().json.find((p) => p.proxy === CLIENT_NODE);
    return me && ['CDS', 'LDS', 'EDS', 'RDS'].every((t) => me.xds[t]?.state === 'SYNCED');
  }, 15_000, 'the client sidecar SYNCED again');
  assert.equal((await curl(PROXY, `${URL_REVIEWS}/after-fix`)).status, 200);
});

test('Should report Istio metrics, access logs and request headers on both sidecars', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentSpan = '00f067aa0ba902b7';
  const app = mesh.workloads.get(SERVER.name)!;
  const r = await curl(PROXY, `${URL_REVIEWS}/telemetry`, ['-H', `traceparent: 00-${traceId}-${parentSpan}-01`]);
  assert.equal(r.status, 200);
  const seen = app.received.findLast((x) => x.url === '/telemetry');
  assert.ok(seen, 'the app got the request');
  const requestId = String(seen.headers['x-request-id']);
  assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'x-request-id is generated');
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  const traceparent = String(seen.headers.traceparent);
  const [, tid, span] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traceparent) ?? [];
  assert.equal(tid, traceId, `the trace id is kept: ${traceparent}`);
  assert.ok(span && span !== parentSpan, `a new span id: ${traceparent}`);

  const logs = await eventually(async () => {
    const find = (w: WorkloadSpec) => mesh.workloads.get(w.name)!.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.path === '/telemetry');
    const client = find(CLIENT);
    const server = find(SERVER);
    return client && server ? { client, server } : undefined;
  }, 10_000, 'access log lines for /telemetry on both sidecars');
  for (const entry of [logs.client, logs.server]) {
    assert.equal(entry.method, 'GET');
    assert.equal(entry.response_code, 200);
    assert.equal(entry.response_flags, '-');
    assert.equal(entry.request_id, requestId, 'both hops log the same request id');
    assert.equal(entry.authority, `${REVIEWS}:9080`);
    assert.equal(typeof entry.start_time, 'string');
    assert.equal(typeof entry.duration, 'number');
  }
  assert.equal(logs.client.upstream_cluster, `outbound|9080||${REVIEWS}`);
  assert.equal(logs.client.upstream_host, `${SERVER.ip}:${SERVER.port}`);
  assert.equal(logs.server.upstream_cluster, `inbound|${SERVER.port}||`);

  const workloads = { response_code: '200', source_workload: CLIENT.name, destination_workload: SERVER.name };
  for (const [w, reporter] of [[CLIENT, 'source'], [SERVER, 'destination']] as const) {
    const text = await eventually(async () => {
      const t = await stats(w);
      return series(t, 'istio_requests_total', { reporter, ...workloads }).length > 0 ? t : undefined;
    }, 10_000, `istio_requests_total with reporter="${reporter}" and both workloads on ${w.name}`);
    assert.ok(series(text, 'istio_request_duration_milliseconds_bucket', { reporter, ...workloads }).length > 0, `duration buckets on ${w.name}`);
    assert.ok(series(text, 'istio_requests_total', { reporter, ...workloads, destination_service: REVIEWS }).length > 0, `destination_service="${REVIEWS}" on ${w.name}:\n${series(text, 'istio_requests_total', { reporter }).join('\n')}`);
  }
});

test('Should serve readiness, config dump, clusters, stats and log levels on the admin port', async () => {
  const ready = await admin(CLIENT, '/ready');
  assert.equal(ready.status, 200);
  assert.equal((await ready.text()).trim(), 'LIVE');

  const dump = (await (await admin(CLIENT, '/config_dump')).json()) as { configs: Array<{ '@type': string }> };
  const types = dump.configs.map((c) => c['@type']);
  for (const kind of ['ClustersConfigDump', 'ListenersConfigDump', 'RoutesConfigDump', 'EndpointsConfigDump']) {
    assert.ok(types.includes(`type.googleapis.com/envoy.admin.v3.${kind}`), `config_dump has ${kind}: ${types.join(', ')}`);
  }

  const clusters = await (await admin(CLIENT, '/clusters')).text();
  assert.match(clusters, new RegExp(`^outbound\\|9080\\|\\|${REVIEWS.replace(/\./g, '\\.')}::${SERVER.ip.replace(/\./g, '\\.')}:${SERVER.port}::rq_total::[1-9]`, 'm'));

  const statsPage = await admin(CLIENT, '/stats');
  assert.equal(statsPage.status, 200);
  assert.match(await statsPage.text(), /listener_manager\.total_listeners_active: [1-9]/);

  const set = await admin(CLIENT, '/logging?level=debug', { method: 'POST' });
  assert.equal(set.status, 200);
  assert.match(await (await admin(CLIENT, '/logging')).text(), /heddle: debug/);
  const refused = await admin(CLIENT, '/logging?level=debug');
  assert.notEqual(refused.status, 200, 'changing the level takes a POST');
  assert.equal((await admin(CLIENT, '/logging?level=chatty', { method: 'POST' })).status, 400);
});

test('Should keep serving without the control plane and reconnect when it comes back', async () => {
  await mesh.stopControlPlane();
  const down = await curl(PROXY, `${URL_REVIEWS}/cp-down`);
  assert.equal(down.status, 200, 'the sidecars keep their last config');
  assert.equal(JSON.parse(down.body).path, '/cp-down');

  await mesh.startControlPlane();
  await eventually(async () => {
    const me = proxyStatus().json.find((p) => p.proxy === CLIENT_NODE);
    return me && ['CDS', 'LDS', 'EDS', 'RDS'].every((t) => me.xds[t]?.state === 'SYNCED') ? me : undefined;
  }, 30_000, 'the client sidecar reconnects and SYNCs');
  // Each sidecar backs off on its own schedule, so the server may come back a little later.
  await eventually(async () => (proxyStatus().json.some((p) => p.proxy.includes(SERVER.name)) ? true : undefined), 30_000, 'the server sidecar reconnects too');
  assert.equal((await curl(PROXY, `${URL_REVIEWS}/cp-back`)).status, 200);
});

test('Should finish in-flight requests on SIGTERM, refuse new inbound connections while outbound ones go on, and exit', async () => {
  const server = mesh.workloads.get(SERVER.name)!;
  const inFlight = curl(PROXY, `${URL_REVIEWS}/slow`);
  inFlight.catch(() => undefined);
  await eventually(async () => server.received.some((x) => x.url === '/slow'), 10_000, 'the slow request reaches the app');
  const signalled = Date.now();
  server.sidecar!.kill('SIGTERM');
  await eventually(() => new Promise<boolean>((resolve) => {
    const s = connect({ host: SERVER.ip, port: SERVER.port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  }), 3000, 'new connections to the draining sidecar are refused');
  // Only the inbound side drains, as Istio's agent drains a sidecar: the app's own calls still go out.
  await new Promise<void>((resolve, reject) => {
    const s = connect({ host: SERVER.ip, port: 15001 });
    s.once('connect', () => (s.destroy(), resolve()));
    s.once('error', reject);
  });
  const r = await inFlight;
  assert.equal(r.status, 200, 'the in-flight request completes');
  assert.equal(JSON.parse(r.body).path, '/slow');
  const code = await exitWithin(server, 8000);
  assert.equal(code, 0, 'the sidecar exits cleanly within the drain timeout');
  assert.ok(Date.now() - signalled < 7000);
});

test('Should exit on POST /quitquitquit', async () => {
  const client = mesh.workloads.get(CLIENT.name)!;
  const res = await admin(CLIENT, '/quitquitquit', { method: 'POST' });
  assert.equal(res.status, 200);
  assert.equal(await exitWithin(client, 5000), 0);
});
