// Proxyless gRPC, the external conformance check: unmodified grpc-js clients with grpc-js-xds,
// routed by Heddle's control plane from Istio config, against real grpc-js servers on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { startControlPlaneProcess } from '../support/control-plane-process.js';
import { stopProcess, waitForLog } from '../support/heddle.js';
import { startEchoServer, type EchoServer } from '../support/grpc/echo-server.js';
import { echoServiceEntry, eventually, writeConfig } from '../support/mesh-config.js';

const HOST = 'echo.default.svc.cluster.local';
const PORT = 7070;
const TARGET = `xds:///${HOST}:${PORT}`;
const CLIENT = fileURLToPath(new URL('../support/grpc/xds-client.js', import.meta.url));

let dir: string;
let cp: ChildProcess;
let monitoring: string;
let bootstrap: string;
let v1: EchoServer;
let v2: EchoServer;
let step = 0;

const DESTINATION_RULE = (trafficPolicy = '') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: echo}
spec:
  host: ${HOST}
${trafficPolicy}  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
`;

/** Applies a VirtualService (and optionally a DestinationRule) and waits until the control plane serves it. */
async function apply(http: string, trafficPolicy = ''): Promise<void> {
  step++;
  const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: echo
  annotations: {heddle.test/step: "${step}"}
spec:
  hosts: [${HOST}]
  http:
${http}`;
  await writeConfig(dir, { 'dr.yaml': DESTINATION_RULE(trafficPolicy), 'vs.yaml': vs });
  await eventually(async () => {
    const res = await fetch(`${monitoring}/debug/configz`);
    const body = (await res.json()) as { resources: Array<{ kind: string; metadata: { annotations?: Record<string, string> } }> };
    return body.resources.some((r) => r.kind === 'VirtualService' && r.metadata.annotations?.['heddle.test/step'] === String(step));
  }, 10_000, `config step ${step} served`);
  // Galley serves the step; Pilot builds its next push after its debounce (20 ms here). A client
  // that connects before that would get the previous push, so give it a bounded moment.
  await new Promise((r) => setTimeout(r, 250));
}

interface CallLine {
  i?: number;
  t?: number;
  server?: string;
  error?: string;
  done?: boolean;
  byServer?: Record<string, number>;
  byError?: Record<string, number>;
}

/** Runs the grpc-js-xds client process and returns every line it printed. */
function runClient(args: string[], onLine?: (line: CallLine) => void, timeoutMs = 60_000): Promise<CallLine[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, '--target', TARGET, ...args], {
      env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrap },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: CallLine[] = [];
    let buf = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`client timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as CallLine;
        buf = buf.slice(nl + 1);
        lines.push(line);
        onLine?.(line);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(lines);
      else reject(new Error(`client exited ${code}: ${stderr}`));
    });
  });
}

function summary(lines: CallLine[]): Required<Pick<CallLine, 'byServer' | 'byError'>> {
  const done = lines.find((l) => l.done);
  assert.ok(done, 'the client finished');
  return { byServer: done.byServer ?? {}, byError: done.byError ?? {} };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heddle-grpc-'));
  v1 = await startEchoServer('v1');
  v2 = await startEchoServer('v2');
  await writeFile(join(dir, 'se.yaml'), echoServiceEntry(HOST, PORT, { v1: v1.port, v2: v2.port }));
  cp = startControlPlaneProcess(dir, join(dir, '.ca'));
  const ready = await waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('control plane ready'));
  monitoring = String(ready.monitoring);
  bootstrap = join(dir, 'bootstrap.json');
  await writeFile(
    bootstrap,
    JSON.stringify({
      xds_servers: [{ server_uri: String(ready.xds), channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: {
        id: 'sidecar~127.0.0.1~client.default~default.svc.cluster.local',
        metadata: { GENERATOR: 'grpc', NAMESPACE: 'default', LABELS: { app: 'client' } },
        locality: {},
      },
    }),
  );
});

after(async () => {
  await stopProcess(cp);
  await Promise.all([v1?.stop(), v2?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

function resetServers(): void {
  for (const s of [v1, v2]) Object.assign(s.behaviour, { failWithCode: 0, delayMs: 0 });
}

test('Should split calls between subsets by weight, within 3 points over 2,000 calls', async () => {
  resetServers();
  await apply(`  - route:
    - destination: {host: ${HOST}, subset: v1}
      weight: 80
    - destination: {host: ${HOST}, subset: v2}
      weight: 20
`);
  const { byServer, byError } = summary(await runClient(['--calls', '2000', '--concurrency', '20']));
  assert.deepEqual(byError, {});
  const share = (byServer.v1 ?? 0) / 2000;
  assert.ok(share >= 0.77 && share <= 0.83, `v1 got ${byServer.v1} of 2000 (${(share * 100).toFixed(1)}%)`);
});

test('Should route by a header match and send the rest to the default route', async () => {
  resetServers();
  await apply(`  - match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: ${HOST}, subset: v2}
  - route:
    - destination: {host: ${HOST}, subset: v1}
`);
  const jason = summary(await runClient(['--calls', '50', '--header', 'end-user=jason']));
  assert.deepEqual(jason.byServer, { v2: 50 });
  const others = summary(await runClient(['--calls', '50', '--header', 'end-user=mary']));
  assert.deepEqual(others.byServer, { v1: 50 });
});

test('Should apply a config change live to an open channel', async () => {
  resetServers();
  await apply(`  - route:
    - destination: {host: ${HOST}, subset: v1}
`);
  let switched = false;
  const lines = await runClient(['--calls', '400', '--concurrency', '1', '--interval-ms', '10'], (line) => {
    if (!switched && line.server === 'v1' && (line.i ?? 0) >= 20) {
      switched = true;
      void apply(`  - route:
    - destination: {host: ${HOST}, subset: v2}
`);
    }
  });
  const served = lines.filter((l) => l.server).map((l) => l.server);
  assert.equal(served[0], 'v1');
  assert.equal(served.at(-1), 'v2', 'the last calls go to v2 without a new channel');
  assert.equal(lines.filter((l) => l.error).length, 0, 'no call failed during the change');
});

test('Should fail a call that exceeds the route timeout with DEADLINE_EXCEEDED', async () => {
  resetServers();
  v1.behaviour.delayMs = 2000;
  await apply(`  - timeout: 200ms
    route:
    - destination: {host: ${HOST}, subset: v1}
`);
  const lines = await runClient(['--calls', '5', '--concurrency', '5', '--deadline-ms', '10000']);
  const { byError } = summary(lines);
  assert.deepEqual(byError, { DEADLINE_EXCEEDED: 5 });
  for (const l of lines.filter((x) => x.error)) assert.ok((l.t ?? 0) < 1800, `call ended after ${l.t} ms, before the server's 2 s`);
});

test('Should retry calls that fail with UNAVAILABLE on another endpoint', async () => {
  resetServers();
  v1.behaviour.failWithCode = 14; // UNAVAILABLE
  const bothSubsets = (retries: string) => `  - ${retries}route:
    - destination: {host: ${HOST}}
`;
  // One call at a time: round robin then alternates between the endpoints attempt by attempt, so
  // without retries every other call fails, and with them each retry lands on the healthy one.
  await apply(bothSubsets('retries: {attempts: 0}\n    '));
  const without = summary(await runClient(['--calls', '100', '--concurrency', '1']));
  assert.ok((without.byError.UNAVAILABLE ?? 0) > 10, `without retries some calls fail: ${JSON.stringify(without)}`);
  await apply(bothSubsets('retries: {attempts: 4, retryOn: unavailable}\n    '));
  const withRetries = summary(await runClient(['--calls', '100', '--concurrency', '1']));
  assert.deepEqual(withRetries.byError, {});
  assert.deepEqual(withRetries.byServer, { v2: 100 });
});

test('Should inject an abort fault without reaching the server', async () => {
  resetServers();
  await apply(`  - fault:
      abort:
        percentage: {value: 100}
        grpcStatus: UNAVAILABLE
    route:
    - destination: {host: ${HOST}, subset: v1}
`);
  const before = v1.calls;
  const { byError } = summary(await runClient(['--calls', '20']));
  assert.deepEqual(byError, { UNAVAILABLE: 20 });
  assert.equal(v1.calls, before, 'the server saw none of the aborted calls');
});

test('Should inject a fixed delay fault', async () => {
  resetServers();
  await apply(`  - fault:
      delay:
        percentage: {value: 100}
        fixedDelay: 400ms
    route:
    - destination: {host: ${HOST}, subset: v1}
`);
  const lines = await runClient(['--calls', '4', '--concurrency', '1']);
  assert.deepEqual(summary(lines).byServer, { v1: 4 });
  const times = lines.filter((l) => l.server).map((l) => l.t ?? 0);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 380, `calls ${i - 1} and ${i} were ${times[i]! - times[i - 1]!} ms apart`);
});

test('Should eject a failing endpoint by outlier detection', async () => {
  resetServers();
  v1.behaviour.failWithCode = 14;
  await apply(
    `  - retries: {attempts: 0}
    route:
    - destination: {host: ${HOST}}
`,
    `  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 3
      interval: 1s
      baseEjectionTime: 30s
      maxEjectionPercent: 100
`,
  );
  const lines = await runClient(['--calls', '200', '--concurrency', '2', '--interval-ms', '15']);
  const failures = lines.filter((l) => l.error);
  assert.ok(failures.length > 0, 'v1 failed before it was ejected');
  const tail = lines.filter((l) => !l.done).slice(-50);
  assert.ok(tail.every((l) => l.server === 'v2'), `after ejection every call goes to v2: ${JSON.stringify(tail.slice(0, 5))}`);
});

test('Should shed calls over the circuit breaker maxRequests with UNAVAILABLE', async () => {
  resetServers();
  v1.behaviour.delayMs = 300;
  await apply(
    `  - route:
    - destination: {host: ${HOST}, subset: v1}
`,
    `  trafficPolicy:
    connectionPool:
      http: {http2MaxRequests: 1, http1MaxPendingRequests: 1}
`,
  );
  const { byServer, byError } = summary(await runClient(['--calls', '10', '--concurrency', '10', '--warmup', '1', '--stagger-ms', '20']));
  assert.ok((byError.UNAVAILABLE ?? 0) >= 5, `most calls over the limit are shed: ${JSON.stringify({ byServer, byError })}`);
  assert.ok((byServer.v1 ?? 0) >= 1, 'the call within the limit is served');
});
