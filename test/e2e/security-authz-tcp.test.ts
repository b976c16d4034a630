// Istio's "Authorization for TCP traffic" task through real sidecars: a two-port TCP echo service,
// ALLOW on one port only, and policies with HTTP-only fields on a TCP port.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { eventually } from '../support/mesh-config.js';
import { applyAndWait, authorizationPolicy, sidecarServiceEntry, tcpThroughSidecar, type TcpExchange } from '../support/policy-mesh.js';
import { startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

// This file's block: instance IPs 127.0.0.160-161, app ports 22210-22212.
const SLEEP: WorkloadSpec = { name: 'sleep-v1', app: 'sleep', version: 'v1', ip: '127.0.0.160', port: 22210 };
const PORT_A = 22211;
const PORT_B = 22212;
const TCP_ECHO: WorkloadSpec = {
  name: 'tcp-echo-v1', app: 'tcp-echo', version: 'v1', ip: '127.0.0.161', port: PORT_A, portName: 'tcp',
  sidecarArgs: ['--app-port', `tcp-other:${PORT_B}`],
};
const HOST = 'tcp-echo.default.svc.cluster.local';

let mesh: Mesh;
const echoServers: Server[] = [];
const sockets = new Set<Socket>();

/** Istio's tcp-echo: answers each chunk with `hello <port> <chunk>`. */
function startEcho(port: number): Promise<Server> {
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', (c: Buffer) => s.write(`hello ${port} ${c.toString('utf8')}`));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Sends `ping` to the service port through sleep's sidecar. */
function send(servicePort: number): Promise<TcpExchange> {
  return tcpThroughSidecar(SLEEP.ip, 15001, `${HOST}:${servicePort}`, 'ping', (r) => r.endsWith('ping'));
}

async function assertEchoed(servicePort: number, appPort: number): Promise<void> {
  const r = await send(servicePort);
  assert.ok(r.received.includes(`hello ${appPort} ping`), `port ${servicePort} echoes: ${JSON.stringify(r)}`);
}

async function assertClosed(servicePort: number): Promise<void> {
  const r = await send(servicePort);
  assert.ok(r.closed, `port ${servicePort}: the connection is closed: ${JSON.stringify(r)}`);
  assert.ok(!r.received.includes('hello'), `port ${servicePort}: nothing reached the app: ${JSON.stringify(r)}`);
}

const policy = (name: string, action: 'ALLOW' | 'DENY', operation: string) => ({
  'authz.yaml': authorizationPolicy(name, 'tcp-echo', action, `  rules:
  - to:
    - operation: ${operation}
`),
});

before(async () => {
  mesh = await startMesh({
    'services.yaml': [
      sidecarServiceEntry('sleep', [{ number: 9080, name: 'http' }], [SLEEP]),
      sidecarServiceEntry('tcp-echo', [
        { number: 9000, name: 'tcp', protocol: 'TCP', targetPort: PORT_A },
        { number: 9001, name: 'tcp-other', protocol: 'TCP', targetPort: PORT_B },
      ], [TCP_ECHO]),
    ].join('---\n'),
  }, [SLEEP, TCP_ECHO]);
  // The mesh started an HTTP app on port A: a TCP echo takes its place, and another serves port B.
  const http = mesh.workloads.get(TCP_ECHO.name)!.server;
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
  echoServers.push(await startEcho(PORT_A), await startEcho(PORT_B));
  // A sidecar reports ready before its workload certificate arrives, and closes mTLS connections
  // until then: wait for it, so the tests see policy rather than start-up.
  await eventually(async () => (await send(9000)).received.includes('hello'), 20_000, 'tcp-echo\'s sidecar serving mTLS');
});

after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(echoServers.map((s) => new Promise((r) => s.close(r))));
  await mesh?.stop();
});

test('Should echo on both ports while no policy exists', async () => {
  await assertEchoed(9000, PORT_A);
  await assertEchoed(9001, PORT_B);
});

test('Should close connections to the port an ALLOW policy does not list', async () => {
  await applyAndWait(mesh, policy('tcp-policy', 'ALLOW', `{ports: ['${PORT_A}']}`));
  await assertEchoed(9000, PORT_A);
  await assertClosed(9001);
});

test('Should deny every connection when the only ALLOW rule needs an HTTP field', async () => {
  // A TCP connection has no method, so the rule can never match: nothing is allowed.
  await applyAndWait(mesh, policy('tcp-policy', 'ALLOW', `{methods: [GET], ports: ['${PORT_A}']}`));
  await assertClosed(9000);
  await assertClosed(9001);
});

test('Should deny every connection on a port whose DENY rule names an HTTP field', async () => {
  // For DENY the HTTP-only field is dropped, so the rule is broader: all of port A is denied.
  await applyAndWait(mesh, policy('tcp-policy', 'DENY', `{methods: [GET], ports: ['${PORT_A}']}`));
  await assertClosed(9000);
  await assertEchoed(9001, PORT_B);
});
