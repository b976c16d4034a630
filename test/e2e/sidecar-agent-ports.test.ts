// A real sidecar's agent port (15020) and health port (15021), against a real control plane:
// readiness before and after the first config, the merged metrics with the agent's certificate
// expiry, a drain that turns readiness off, and a quit that ends the process with status 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/local/free-port.js';
import { startControlPlaneProcess } from '../support/control-plane-process.js';
import { startHeddle, stopProcess, waitForLog } from '../support/heddle.js';
import { eventually, writeConfig } from '../support/mesh-config.js';
import { meshServiceEntry, startMesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

const RATINGS: WorkloadSpec = { name: 'ratings-v1', app: 'ratings', version: 'v1', ip: '127.0.0.90', port: 22290 };
const REVIEWS: WorkloadSpec = { name: 'reviews-v1', app: 'reviews', version: 'v1', ip: '127.0.0.92', port: 22292 };
const DETAILS: WorkloadSpec = { name: 'details-v1', app: 'details', version: 'v1', ip: '127.0.0.91', port: 22291 };

function get(port: number, path: string, method = 'GET'): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, { method, signal: AbortSignal.timeout(5000) });
}

/** The agent and health ports from a sidecar's "started" log line. */
function agentPortsOf(logs: readonly Record<string, unknown>[]): { agent: number; health: number } {
  const started = logs.find((l) => typeof l.agent === 'number' && typeof l.health === 'number');
  assert.ok(started, 'the started line names the agent and health ports');
  return { agent: started.agent as number, health: started.health as number };
}

/** Resolves once a new TCP connection to `host:port` is accepted (and closes it); rejects when refused. */
function connectTo(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000, () => socket.destroy(new Error('connect timed out')));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
}

test('Should answer /healthz/ready with 503 on both ports before the first config, and 200 once it is applied', async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'heddle-agent-ports-'));
  const configDir = join(stateDir, 'config');
  await mkdir(configDir);
  await writeConfig(configDir, { 'details.yaml': meshServiceEntry('details', 9080, [DETAILS]) });
  // The sidecar starts first, against an xDS port where nothing listens yet.
  const xdsPort = await freePort();
  const sidecar = startHeddle([
    'sidecar', '--log-format', 'json', '--xds-address', `127.0.0.1:${xdsPort}`,
    '--name', DETAILS.name, '--label', 'app=details,version=v1', '--service-account', 'details', '--ip', DETAILS.ip,
    '--app-port', `http:${DETAILS.port}`, '--admin-port', '0', '--stats-port', '0', '--agent-port', '0', '--health-port', '0',
  ]);
  let controlPlane: ChildProcess | undefined;
  try {
    const started = await waitForLog(sidecar, (l) => typeof l.agent === 'number' && typeof l.health === 'number', 30_000);
    const ports = [started.agent as number, started.health as number];
    for (const port of ports) {
      const r = await get(port, '/healthz/ready');
      assert.deepEqual([r.status, await r.text()], [503, 'PRE_INITIALIZING\n']);
    }
    controlPlane = startControlPlaneProcess(configDir, join(stateDir, 'ca'), [], xdsPort);
    await waitForLog(sidecar, (l) => typeof l.msg === 'string' && l.msg.startsWith('sidecar ready'), 30_000);
    for (const port of ports) {
      const r = await get(port, '/healthz/ready');
      assert.deepEqual([r.status, await r.text()], [200, 'LIVE\n']);
    }
  } finally {
    await stopProcess(sidecar);
    if (controlPlane) await stopProcess(controlPlane);
    await rm(stateDir, { recursive: true, force: true });
  }
});

test('Should merge the proxy\'s, the app\'s and the agent\'s metrics on the agent port, turn readiness off on /drain and exit 0 on /quitquitquit', async () => {
  // The app's own metrics, where `--app-metrics` points (Istio's prometheus.io/port and path).
  const appMetrics = createHttpServer((req, res) => res.end(req.url === '/custom' ? '# TYPE app_orders_total counter\napp_orders_total 7\n' : 'wrong path\n'));
  await new Promise<void>((resolve) => appMetrics.listen(0, '127.0.0.1', resolve));
  const appMetricsPort = (appMetrics.address() as AddressInfo).port;
  const mesh = await startMesh({ 'ratings.yaml': meshServiceEntry('ratings', 9080, [RATINGS]) }, [RATINGS], ['--app-metrics', `${appMetricsPort}/custom`]);
  try {
    const workload = mesh.workloads.get(RATINGS.name)!;
    const sidecar = workload.sidecar!;
    const { agent, health } = agentPortsOf(workload.logs);
    assert.equal((await get(health, '/healthz/ready')).status, 200);
    assert.equal((await get(agent, '/healthz/ready')).status, 200);

    // One request through the sidecar's inbound listener, so the proxy has a request to count.
    const answer = await fetch(`http://${RATINGS.ip}:${RATINGS.port}/ratings/0`, { signal: AbortSignal.timeout(5000) });
    assert.equal(answer.status, 200);
    await answer.arrayBuffer();

    const text = await eventually(async () => {
      const body = await (await get(agent, '/stats/prometheus')).text();
      return /^istio_requests_total\{[^}]*reporter="destination"/m.test(body) ? body : undefined;
    }, 10_000, 'istio_requests_total on the agent port');
    const expiry = /^istio_agent_cert_expiry_seconds\{resource_name="default"\} (\S+)$/m.exec(text);
    assert.ok(expiry, 'the workload certificate\'s expiry is among the agent\'s metrics');
    const seconds = Number(expiry[1]);
    assert.ok(seconds > 0 && seconds <= 24 * 3600, `a fresh certificate of at most 24h has ${seconds}s left`);
    assert.match(text, /^istio_agent_scrapes_total \d+$/m);
    assert.match(text, /^app_orders_total 7$/m, 'the app\'s metrics are merged in');
    assert.doesNotMatch(await (await get(workload.statsPort, '/stats/prometheus')).text(), /app_orders_total/, '15090 keeps the proxy\'s alone');
    const types = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    assert.equal(new Set(types).size, types.length, 'no family is declared twice');

    assert.equal((await get(agent, '/drain')).status, 405, 'draining takes a POST');
    assert.equal((await get(agent, '/drain', 'POST')).status, 200);
    for (const port of [agent, health]) {
      const r = await get(port, '/healthz/ready');
      assert.deepEqual([r.status, await r.text()], [503, 'DRAINING\n']);
    }
    await assert.rejects(connectTo(RATINGS.ip, RATINGS.port), /ECONNREFUSED/, 'the drained inbound listener accepts no new connection');
    await connectTo(RATINGS.ip, 15001); // the outbound listener still accepts: the app's last calls go out, as under Istio
    assert.equal(sidecar.exitCode, null, 'a drain does not stop the process');

    const exited = exitOf(sidecar);
    assert.equal((await get(agent, '/quitquitquit', 'POST')).status, 200);
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref())]);
    assert.equal(code, 0);
  } finally {
    await mesh.stop();
    await new Promise((resolve) => appMetrics.close(resolve));
  }
});

test('Should serve both ports from the primary with --concurrency, and drain the workers without replacing them', async () => {
  const mesh = await startMesh({ 'reviews.yaml': meshServiceEntry('reviews', 9080, [REVIEWS]) }, [REVIEWS], ['--concurrency', '2']);
  try {
    const workload = mesh.workloads.get(REVIEWS.name)!;
    const { agent, health } = agentPortsOf(workload.logs);
    for (const port of [agent, health]) assert.equal((await get(port, '/healthz/ready')).status, 200, 'ready once every worker applied the config');
    const answer = await fetch(`http://${REVIEWS.ip}:${REVIEWS.port}/reviews/0`, { signal: AbortSignal.timeout(5000) });
    assert.equal(answer.status, 200);
    await answer.arrayBuffer();
    const text = await eventually(async () => {
      const body = await (await get(agent, '/stats/prometheus')).text();
      return /^istio_requests_total\{[^}]*reporter="destination"/m.test(body) ? body : undefined;
    }, 10_000, 'the workers\' istio_requests_total on the agent port');
    assert.match(text, /^istio_agent_cert_expiry_seconds\{resource_name="default"\} \d/m);

    assert.equal((await get(agent, '/drain', 'POST')).status, 200);
    for (const port of [agent, health]) assert.equal((await get(port, '/healthz/ready')).status, 503);
    // A worker that exited on the drain would be replaced by one that listens again.
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      assert.ok(!workload.logs.some((l) => l.msg === 'sidecar worker exited; starting another'), 'no worker was replaced');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await assert.rejects(connectTo(REVIEWS.ip, REVIEWS.port), /ECONNREFUSED/, 'the drained inbound listener accepts no new connection');
    assert.equal(workload.sidecar!.exitCode, null, 'a drain does not stop the process');
  } finally {
    await mesh.stop();
  }
});

test('Should exit with an error, not linger half-started, when its health port is taken', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
  const healthPort = (taken.address() as AddressInfo).port;
  const sidecar = startHeddle([
    'sidecar', '--log-format', 'json', '--xds-address', `127.0.0.1:${await freePort()}`,
    '--name', DETAILS.name, '--ip', DETAILS.ip, '--app-port', `http:${DETAILS.port}`,
    '--admin-port', '0', '--stats-port', '0', '--agent-port', '0', '--health-port', String(healthPort),
  ]);
  let stderr = '';
  sidecar.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  try {
    const code = await Promise.race([exitOf(sidecar), new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 15_000).unref())]);
    assert.equal(code, 1, `the sidecar exits with 1 (got ${String(code)}); stderr:\n${stderr.slice(-2000)}`);
    assert.match(stderr, new RegExp(`EADDRINUSE.*${healthPort}`));
  } finally {
    await stopProcess(sidecar);
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});
