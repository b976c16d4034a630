// Istio's "External authorization" task through real sidecars: `heddle control-plane
// --mesh-config` names an envoyExtAuthzHttp provider, and a CUSTOM policy sends the requests it
// selects to a small ext-authz server the test runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHeddle } from '../support/heddle.js';
import { eventually } from '../support/mesh-config.js';
import { proxyClient } from '../support/proxy-client.js';
import { applyAndWait, authorizationPolicy, sidecarServiceEntry } from '../support/policy-mesh.js';
import { meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

// This file's block: instance IPs 127.0.0.175-176, app ports 22230-22232.
const SLEEP: WorkloadSpec = { name: 'sleep-v1', app: 'sleep', version: 'v1', ip: '127.0.0.175', port: 22230 };
const HTTPBIN: WorkloadSpec = { name: 'httpbin-v1', app: 'httpbin', version: 'v1', ip: '127.0.0.176', port: 22231 };
/** The checks the ext-authz server received: method and path of each. */
const checks: string[] = [];
/** Istio's sample ext-authz: allow when `x-ext-authz: allow`, else 403 with a reason. */
function extAuthzHandler(req: IncomingMessage, res: ServerResponse): void {
  checks.push(`${req.method} ${req.url}`);
  req.resume();
  if (req.headers['x-ext-authz'] === 'allow') {
    res.writeHead(200, { 'x-ext-authz-check-result': 'allowed' }).end();
  } else {
    res.writeHead(403, { 'x-ext-authz-check-result': 'denied', 'content-type': 'text/plain' }).end('denied by ext_authz for not found header `x-ext-authz: allow` in the request');
  }
}
// No sidecar: the provider is reached as a plain mesh service at 127.0.0.1.
const EXT_AUTHZ: WorkloadSpec = { name: 'ext-authz-v1', app: 'ext-authz', version: 'v1', ip: '127.0.0.1', port: 22232, sidecar: false, handler: extAuthzHandler };

const MESH_CONFIG = `rootNamespace: istio-system
trustDomain: cluster.local
enableAutoMtls: true
extensionProviders:
- name: sample-ext-authz-http
  envoyExtAuthzHttp:
    service: ext-authz.default.svc.cluster.local
    port: 8000
    includeRequestHeadersInCheck: [x-ext-authz]
    headersToDownstreamOnDeny: [x-ext-authz-check-result]
`;
const CUSTOM_POLICY = authorizationPolicy('ext-authz', 'httpbin', 'CUSTOM', `  provider: {name: sample-ext-authz-http}
  rules:
  - to:
    - operation: {paths: [/headers]}
`);

const fromSleep = proxyClient(`http://${SLEEP.ip}:15001`);
const HTTPBIN_URL = 'http://httpbin.default.svc.cluster.local:8000';
let dir: string;
let mesh: Mesh;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heddle-ext-authz-'));
  await writeFile(join(dir, 'mesh.yaml'), MESH_CONFIG);
  mesh = await startMesh({
    'services.yaml': [
      sidecarServiceEntry('sleep', [{ number: 9080, name: 'http' }], [SLEEP]),
      sidecarServiceEntry('httpbin', [{ number: 8000, name: 'http' }], [HTTPBIN]),
      meshServiceEntry('ext-authz', 8000, [EXT_AUTHZ]),
    ].join('---\n'),
  }, [SLEEP, HTTPBIN, EXT_AUTHZ], [], { controlPlaneArgs: ['--mesh-config', join(dir, 'mesh.yaml')] });
  // A sidecar reports ready before its workload certificate arrives, and refuses mTLS until then.
  await eventually(async () => (await fromSleep(`${HTTPBIN_URL}/headers`)).status === 200, 20_000, 'httpbin\'s sidecar serving mTLS');
});

after(async () => {
  await mesh?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('Should ask the mesh config\'s ext-authz provider about the paths a CUSTOM policy selects', async () => {
  await applyAndWait(mesh, { 'authz.yaml': CUSTOM_POLICY });
  checks.length = 0;
  const denied = await fromSleep(`${HTTPBIN_URL}/headers`, { headers: { 'x-ext-authz': 'deny' } });
  assert.equal(denied.status, 403, denied.body);
  assert.match(denied.body, /denied by ext_authz/);
  assert.equal(denied.headers['x-ext-authz-check-result'], 'denied', 'headersToDownstreamOnDeny reach the client');
  assert.equal((await fromSleep(`${HTTPBIN_URL}/headers`)).status, 403, 'no header: denied');
  assert.equal((await fromSleep(`${HTTPBIN_URL}/headers`, { headers: { 'x-ext-authz': 'allow' } })).status, 200);
  assert.deepEqual(checks, ['GET /headers', 'GET /headers', 'GET /headers']);
  assert.equal((await fromSleep(`${HTTPBIN_URL}/ip`, { headers: { 'x-ext-authz': 'deny' } })).status, 200, 'a path no rule selects is not checked');
  assert.equal(checks.length, 3);
});

test('Should refuse to start the control plane on a mesh config with an unknown field, naming the file and field', async () => {
  const bad = join(dir, 'bad-mesh.yaml');
  await writeFile(bad, 'extensionProviders:\n- name: x\n  envoyExtAuthzHttp: {service: a.b, port: 80, includeHeadersInCheck: [x]}\n');
  const r = runHeddle(['control-plane', '--config', dir, '--mesh-config', bad, '--xds-port', '0', '--monitoring-port', '0', '--secure-port', '0', '--ca-dir', join(dir, 'ca')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, new RegExp(`${bad.replaceAll('.', '\\.')}: extensionProviders\\[0\\]\\.envoyExtAuthzHttp\\.includeHeadersInCheck: unknown field`));
});
