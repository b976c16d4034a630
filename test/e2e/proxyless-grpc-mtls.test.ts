// mTLS for proxyless gRPC, as Istio does it: `heddle agent` gives each app its certificate files
// and bootstrap; an unmodified grpc-js-xds XdsServer under PeerAuthentication STRICT serves only
// mTLS; clients with XdsChannelCredentials use it under a DestinationRule ISTIO_MUTUAL; and an
// AuthorizationPolicy on `principals` tells the clients apart by their certificates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { issueBootstrapToken } from '../../src/citadel/bootstrap-token.js';
import { startControlPlaneProcess } from '../support/control-plane-process.js';
import { startHeddle, stopProcess, waitForLog } from '../support/heddle.js';
import { loadRbacEcho } from '../support/grpc/rbac-echo-service.js';
import { eventually, writeConfig } from '../support/mesh-config.js';
import { freePort } from '../../src/local/free-port.js';

const SERVER = fileURLToPath(new URL('../support/grpc/xds-echo-server.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('../support/grpc/xds-rbac-client.js', import.meta.url));
const HOST = 'echo.default.svc.cluster.local';
const OK = grpc.status.OK;
const DENIED = grpc.status.PERMISSION_DENIED;

let dir: string;
let caDir: string;
let cp: ChildProcess | undefined;
let xdsAddress: string;
let server: ChildProcess | undefined;
let port: number;
const agents: ChildProcess[] = [];
/** Bootstrap file of each workload, by service account. */
const bootstraps = new Map<string, string>();

const configDir = () => join(dir, 'config');

/** Starts `heddle agent` for service account `sa` (label app=`sa`) with its own token; waits for `agent ready`. */
async function startAgent(sa: string): Promise<void> {
  const out = join(dir, sa);
  const tokenFile = join(dir, `${sa}.token`);
  await writeFile(tokenFile, await issueBootstrapToken(caDir, { namespace: 'default', serviceAccount: sa }), { mode: 0o600 });
  const child = startHeddle([
    'agent', '--log-format', 'json', '--xds-address', xdsAddress, '--output-dir', out, '--name', sa,
    '--namespace', 'default', '--service-account', sa, '--label', `app=${sa}`, '--ip', '127.0.0.1', '--token-file', tokenFile,
  ]);
  agents.push(child);
  await waitForLog(child, (l) => l.msg === 'agent ready', 20_000);
  bootstraps.set(sa, join(out, 'grpc-bootstrap.json'));
}

/** Runs one grpc-js-xds client process as `sa`, with xDS credentials; resolves with the status of each call. */
function callAs(sa: string, calls = 1): Promise<{ code: number; details?: string }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, '--target', `xds:///${HOST}:${port}`, '--calls', String(calls), '--deadline-ms', '3000', '--xds-creds'], {
      env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstraps.get(sa) ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`client ${sa} exited ${code}; stderr: ${stderr}`));
      resolve(stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { code: number; details?: string }));
    });
  });
}

/** Waits (at most 30 s: each try is a new process) until a call as `sa` ends with `expected`, then checks three more calls do too. */
async function expectStatus(sa: string, expected: number, what: string): Promise<void> {
  let last: unknown;
  await eventually(async () => {
    const [result] = await callAs(sa);
    last = result;
    return result?.code === expected;
  }, 30_000, `${what} (last seen ${JSON.stringify(last)})`);
  assert.deepEqual((await callAs(sa, 3)).map((r) => r.code), [expected, expected, expected], `${what}, again`);
}

const MESH_CONFIG = (echoPort: number) => ({
  'service-entry.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: echo, namespace: default}
spec:
  hosts: [${HOST}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {number: ${echoPort}, name: grpc, protocol: GRPC}
  workloadSelector:
    labels: {app: echo}
`,
  'destination-rule.yaml': `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: echo, namespace: default}
spec:
  host: ${HOST}
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
`,
  'peer-authentication.yaml': `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: echo-strict, namespace: default}
spec:
  selector:
    matchLabels: {app: echo}
  mtls: {mode: STRICT}
`,
  'authorization-policy.yaml': `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: echo-from-sleep, namespace: default}
spec:
  selector:
    matchLabels: {app: echo}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/sleep"]
`,
});

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heddle-grpc-mtls-'));
  caDir = join(dir, 'ca');
  await mkdir(configDir());
  port = await freePort();
  await writeConfig(configDir(), MESH_CONFIG(port));
  cp = startControlPlaneProcess(configDir(), caDir);
  const ready = await waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('control plane ready'));
  xdsAddress = String(ready.xds);
  await Promise.all(['echo', 'sleep', 'other'].map(startAgent));

  server = spawn(process.execPath, [SERVER, '--port', String(port), '--xds-creds'], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstraps.get('echo') ?? '', GRPC_XDS_EXPERIMENTAL_RBAC: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the xDS server did not start serving within 20 s; stderr: ${stderr}`)), 20_000);
    server?.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('"serving"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server?.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the xDS server exited ${code}; stderr: ${stderr}`));
    });
  });
});

after(async () => {
  if (server) await stopProcess(server);
  await Promise.all(agents.map((a) => stopProcess(a)));
  if (cp) await stopProcess(cp);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('Should serve a client whose certificate is the allowed principal, over mTLS', async () => {
  await expectStatus('sleep', OK, 'sleep is served');
});

test('Should refuse a client with another identity with PERMISSION_DENIED', async () => {
  await expectStatus('other', DENIED, 'other is denied');
});

test('Should refuse a plaintext client that dials the STRICT server directly', async () => {
  const { Client } = loadRbacEcho();
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const code = await new Promise<number>((resolve) => client.Hello({ name: 'plain' }, { deadline: Date.now() + 3000 }, (err) => resolve(err ? err.code : OK)));
    assert.notEqual(code, OK, 'a plaintext call must not be served');
    assert.notEqual(code, DENIED, 'it fails at the handshake, before any policy');
  } finally {
    client.close();
  }
});

test('Should let the other client through once the policy is removed', async () => {
  await rm(join(configDir(), 'authorization-policy.yaml'));
  await expectStatus('other', OK, 'other is served without the policy');
  await expectStatus('sleep', OK, 'sleep is still served');
});
