// Istio's "Authorization for HTTP traffic" task through real sidecars with mTLS identities:
// allow-nothing, ALLOW by method and by the caller's principal, DENY by header over ALLOW, and
// paths with methods.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyClient, type ProxyRequestOptions, type ProxyResponse } from '../support/proxy-client.js';
import { eventually } from '../support/mesh-config.js';
import { applyAndWait, authorizationPolicy, sidecarServiceEntry } from '../support/policy-mesh.js';
import { startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

// This file's block: instance IPs 127.0.0.150-154, app ports 22200-22204.
const SLEEP: WorkloadSpec = { name: 'sleep-v1', app: 'sleep', version: 'v1', ip: '127.0.0.150', port: 22200 };
const OTHER: WorkloadSpec = { name: 'curl-v1', app: 'curl', version: 'v1', ip: '127.0.0.151', port: 22201 };
const PRODUCTPAGE: WorkloadSpec = { name: 'productpage-v1', app: 'productpage', version: 'v1', ip: '127.0.0.152', port: 22202 };
const DETAILS: WorkloadSpec = { name: 'details-v1', app: 'details', version: 'v1', ip: '127.0.0.153', port: 22203 };
const RATINGS: WorkloadSpec = { name: 'ratings-v1', app: 'ratings', version: 'v1', ip: '127.0.0.154', port: 22204 };

const url = (app: string, path = '/') => `http://${app}.default.svc.cluster.local:9080${path}`;
const fromSleep = proxyClient(`http://${SLEEP.ip}:15001`);
const fromOther = proxyClient(`http://${OTHER.ip}:15001`);

let mesh: Mesh;

const ALLOW_NOTHING = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: default}
spec: {}
`;
const PRODUCTPAGE_VIEWER = authorizationPolicy('productpage-viewer', 'productpage', 'ALLOW', `  rules:
  - to:
    - operation: {methods: [GET]}
`);
const DETAILS_VIEWER = authorizationPolicy('details-viewer', 'details', 'ALLOW', `  rules:
  - from:
    - source: {principals: [cluster.local/ns/default/sa/sleep]}
    to:
    - operation: {methods: [GET]}
`);
/** Denies GET on productpage when x-token is (`values`) or is not (`notValues`) admin. */
const denyToken = (field: 'values' | 'notValues') => authorizationPolicy('deny-token', 'productpage', 'DENY', `  rules:
  - to:
    - operation: {methods: [GET]}
    when:
    - key: request.headers[x-token]
      ${field}: [admin]
`);
const RATINGS_READER = authorizationPolicy('ratings-reader', 'ratings', 'ALLOW', `  rules:
  - to:
    - operation: {methods: [GET], paths: ['/ratings*']}
`);

/** Makes the step's policies the only ones in the mesh and waits until every sidecar has them. */
async function policies(...docs: string[]): Promise<void> {
  await applyAndWait(mesh, { 'authz.yaml': docs.join('---\n') });
}

async function status(client: typeof fromSleep, target: string, options: ProxyRequestOptions = {}): Promise<number> {
  return (await client(target, options)).status;
}

function assertDenied(r: ProxyResponse): void {
  assert.equal(r.status, 403, r.body);
  assert.equal(r.body, 'RBAC: access denied');
}

before(async () => {
  const workloads = [SLEEP, OTHER, PRODUCTPAGE, DETAILS, RATINGS];
  mesh = await startMesh({
    'services.yaml': workloads.map((w) => sidecarServiceEntry(w.app, [{ number: 9080, name: 'http' }], [w])).join('---\n'),
  }, workloads);
  // A sidecar reports ready before its workload certificate arrives, and refuses mTLS until then:
  // wait for every server's, so the tests see policy rather than start-up.
  for (const w of workloads) {
    await eventually(async () => (await fromSleep(url(w.app))).status === 200, 20_000, `${w.name}'s sidecar serving mTLS`);
  }
});

after(async () => {
  await mesh?.stop();
});

test('Should let every request through while no policy exists', async () => {
  for (const target of [url('productpage'), url('details'), url('ratings', '/ratings/1')]) {
    assert.equal(await status(fromSleep, target), 200, target);
    assert.equal(await status(fromOther, target, { method: 'POST' }), 200, target);
  }
  const xfcc = mesh.workloads.get(DETAILS.name)!.received.at(-1)?.headers['x-forwarded-client-cert'];
  assert.match(String(xfcc), /URI=spiffe:\/\/cluster\.local\/ns\/default\/sa\/curl/, 'the hop to details is mTLS with the caller\'s identity');
});

test('Should deny everything with 403 "RBAC: access denied" under allow-nothing', async () => {
  await policies(ALLOW_NOTHING);
  assertDenied(await fromSleep(url('productpage')));
  assertDenied(await fromOther(url('details')));
  assertDenied(await fromSleep(url('ratings', '/ratings/1')));
});

test('Should allow GET on productpage from any workload, and nothing else, with productpage-viewer', async () => {
  await policies(ALLOW_NOTHING, PRODUCTPAGE_VIEWER);
  assert.equal(await status(fromSleep, url('productpage')), 200);
  assert.equal(await status(fromOther, url('productpage', '/productpage')), 200);
  assertDenied(await fromSleep(url('productpage'), { method: 'POST', body: 'x' }));
  assertDenied(await fromSleep(url('details')));
});

test('Should allow details only to the sleep service account\'s principal', async () => {
  await policies(ALLOW_NOTHING, PRODUCTPAGE_VIEWER, DETAILS_VIEWER);
  assert.equal(await status(fromSleep, url('details', '/details/0')), 200);
  assertDenied(await fromOther(url('details', '/details/0')));
  assertDenied(await fromSleep(url('details', '/details/0'), { method: 'DELETE' }));
});

test('Should deny by header before any ALLOW policy is consulted', async () => {
  await policies(ALLOW_NOTHING, PRODUCTPAGE_VIEWER, denyToken('values'));
  assertDenied(await fromSleep(url('productpage'), { headers: { 'x-token': 'admin' } }));
  assert.equal(await status(fromSleep, url('productpage'), { headers: { 'x-token': 'guest' } }), 200);
  assert.equal(await status(fromOther, url('productpage')), 200);

  await policies(ALLOW_NOTHING, PRODUCTPAGE_VIEWER, denyToken('notValues'));
  assert.equal(await status(fromSleep, url('productpage'), { headers: { 'x-token': 'admin' } }), 200);
  assertDenied(await fromSleep(url('productpage'), { headers: { 'x-token': 'guest' } }));
  assertDenied(await fromOther(url('productpage')));
});

test('Should allow GET on /ratings* and deny other methods and paths', async () => {
  await policies(RATINGS_READER);
  assert.equal(await status(fromSleep, url('ratings', '/ratings')), 200);
  assert.equal(await status(fromOther, url('ratings', '/ratings/0?x=1')), 200);
  assertDenied(await fromSleep(url('ratings', '/ratings/0'), { method: 'POST', body: '{"stars":5}' }));
  assertDenied(await fromSleep(url('ratings', '/reviews/0')));
  // Other workloads have no policy once allow-nothing is gone.
  assert.equal(await status(fromOther, url('details'), { method: 'POST' }), 200);
});
