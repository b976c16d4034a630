// AuthorizationPolicy on a proxyless gRPC server: an unmodified grpc-js-xds XdsServer takes its
// server listener (with RBAC) from Heddle's control plane, and a plain grpc-js client on loopback
// sees each method allowed or denied as the Istio YAML in the config directory says, live.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { startControlPlaneProcess } from '../support/control-plane-process.js';
import { stopProcess, waitForLog } from '../support/heddle.js';
import { loadRbacEcho } from '../support/grpc/rbac-echo-service.js';
import { eventually, writeConfig } from '../support/mesh-config.js';
import { freePort } from '../../src/local/free-port.js';

const SERVER = fileURLToPath(new URL('../support/grpc/xds-echo-server.js', import.meta.url));
const OK = grpc.status.OK;
const DENIED = grpc.status.PERMISSION_DENIED;

let dir: string;
let cp: ChildProcess;
let server: ChildProcess;
let port: number;

const configDir = () => join(dir, 'config');
const policyFile = (name: string) => join(configDir(), name);

/** The status codes of one Hello and one Forbidden call, each on a fresh channel. */
async function statuses(): Promise<{ hello: number; forbidden: number }> {
  const { Client } = loadRbacEcho();
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (method: 'Hello' | 'Forbidden') =>
    new Promise<number>((resolve) => client[method]({ name: 'test' }, { deadline: Date.now() + 2000 }, (err) => resolve(err ? err.code : OK)));
  try {
    return { hello: await call('Hello'), forbidden: await call('Forbidden') };
  } finally {
    client.close();
  }
}

/** Waits (at most 15 s) until the calls get `expected`, and checks they keep getting it. */
async function expectStatuses(expected: { hello: number; forbidden: number }, what: string): Promise<void> {
  let last: unknown;
  await eventually(async () => {
    last = await statuses();
    return JSON.stringify(last) === JSON.stringify(expected);
  }, 15_000, `${what} (last seen ${JSON.stringify(last)})`);
  assert.deepEqual(await statuses(), expected, `${what}, again`);
}

const DENY_FORBIDDEN = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-forbidden
  namespace: default
spec:
  selector:
    matchLabels:
      app: echo
  action: DENY
  rules:
  - to:
    - operation:
        paths: ["/echo.Echo/Forbidden"]
`;

const ALLOW_HELLO = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-hello
  namespace: default
spec:
  selector:
    matchLabels:
      app: echo
  action: ALLOW
  rules:
  - to:
    - operation:
        paths: ["/echo.Echo/Hello"]
`;

/** A policy for another workload, which must not touch the echo server. */
const DENY_OTHER = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-other
  namespace: default
spec:
  selector:
    matchLabels:
      app: other
  action: DENY
  rules:
  - {}
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heddle-grpc-rbac-'));
  await mkdir(configDir());
  cp = startControlPlaneProcess(configDir(), join(dir, 'ca'));
  const ready = await waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('control plane ready'));
  const bootstrap = join(dir, 'bootstrap.json');
  await writeFile(
    bootstrap,
    JSON.stringify({
      xds_servers: [{ server_uri: String(ready.xds), channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: {
        id: 'sidecar~127.0.0.1~echo-server.default~default.svc.cluster.local',
        metadata: { GENERATOR: 'grpc', NAMESPACE: 'default', LABELS: { app: 'echo' } },
        locality: {},
      },
      server_listener_resource_name_template: 'xds.istio.io/grpc/lds/inbound/%s',
    }),
  );
  port = await freePort();
  server = spawn(process.execPath, [SERVER, '--port', String(port)], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrap, GRPC_XDS_EXPERIMENTAL_RBAC: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the xDS server did not start serving within 15 s; stderr: ${stderr}`)), 15_000);
    server.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('"serving"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code) => reject(new Error(`the xDS server exited ${code}; stderr: ${stderr}`)));
  });
});

after(async () => {
  if (server) await stopProcess(server);
  if (cp) await stopProcess(cp);
  await rm(dir, { recursive: true, force: true });
});

test('Should serve both methods while no policy selects the server', async () => {
  await expectStatuses({ hello: OK, forbidden: OK }, 'both methods served');
});

test('Should deny the method a DENY policy names with PERMISSION_DENIED, and serve the other', async () => {
  await writeConfig(configDir(), { 'deny.yaml': DENY_FORBIDDEN, 'other.yaml': DENY_OTHER });
  await expectStatuses({ hello: OK, forbidden: DENIED }, 'Forbidden denied, Hello served');
});

test('Should restore access when the DENY policy is removed', async () => {
  await rm(policyFile('deny.yaml'));
  await expectStatuses({ hello: OK, forbidden: OK }, 'both methods served again');
});

test('Should serve only the method an ALLOW policy lists', async () => {
  await writeConfig(configDir(), { 'allow.yaml': ALLOW_HELLO });
  await expectStatuses({ hello: OK, forbidden: DENIED }, 'only Hello served');
});

test('Should restore access when the ALLOW policy is removed', async () => {
  await rm(policyFile('allow.yaml'));
  await expectStatuses({ hello: OK, forbidden: OK }, 'both methods served after the ALLOW policy is gone');
});
