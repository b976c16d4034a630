// Istio's request-routing task through real sidecars: a client sidecar (productpage) routes to
// three versions of reviews, each behind its own sidecar, by VirtualService and DestinationRule.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { echoHandler, meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';
import { proxyClient, type ProxyResponse } from '../support/proxy-client.js';
import { waitForRouteName } from '../support/sidecar-config-wait.js';

// This file's block: instance IPs 127.0.0.10-14, app ports 20010-20014.
const PROXY = 'http://127.0.0.10:15001';
const REVIEWS = 'http://reviews.default.svc.cluster.local:9080';

/** Echoes, and adds a response header the response header operations may remove. */
function reviewsHandler(req: IncomingMessage, res: ServerResponse, who: WorkloadSpec): void {
  res.setHeader('x-app-header', who.version);
  echoHandler(req, res, who);
}

const productpage: WorkloadSpec = { name: 'productpage-v1', app: 'productpage', version: 'v1', ip: '127.0.0.10', port: 20010 };
const reviews: WorkloadSpec[] = ['v1', 'v2', 'v3'].map((v, i) => ({
  name: `reviews-${v}`, app: 'reviews', version: v, ip: `127.0.0.${11 + i}`, port: 20011 + i, handler: reviewsHandler,
}));

const DESTINATION_RULE = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
`;

let mesh: Mesh;
let adminPort: number;
const get = proxyClient(PROXY);

interface Echo { version: string; path: string; headers: Record<string, string> }
const echo = (r: ProxyResponse): Echo => JSON.parse(r.body) as Echo;

/** Applies the reviews VirtualService with these `http` rules; the first rule must be named `step`. */
async function applyRoutes(step: string, http: string): Promise<void> {
  await mesh.apply({ 'vs.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
${http}` });
  await waitForRouteName(adminPort, step);
}

async function versions(n: number, path = '/', headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await get(`${REVIEWS}${path}`, { headers });
    assert.equal(r.status, 200, r.body);
    out.push(echo(r).version);
  }
  return out;
}

before(async () => {
  mesh = await startMesh({
    'services.yaml': [meshServiceEntry('productpage', 9080, [productpage]), meshServiceEntry('reviews', 9080, reviews)].join('---\n'),
    'dr.yaml': DESTINATION_RULE,
  }, [productpage, ...reviews]);
  adminPort = mesh.workloads.get('productpage-v1')!.adminPort;
});

after(async () => {
  await mesh?.stop();
});

test('Should send all 20 requests to v1 with virtual-service-all-v1', async () => {
  await applyRoutes('all-v1', `  - name: all-v1
    route:
    - destination: {host: reviews, subset: v1}
`);
  assert.deepEqual(await versions(20), Array(20).fill('v1'));
});

test('Should route end-user jason to v2 and everyone else to v1', async () => {
  await applyRoutes('jason', `  - name: jason
    match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: reviews, subset: v2}
  - name: others
    route:
    - destination: {host: reviews, subset: v1}
`);
  assert.deepEqual(await versions(10, '/', { 'end-user': 'jason' }), Array(10).fill('v2'));
  assert.deepEqual(await versions(10, '/', { 'end-user': 'jasonx' }), Array(10).fill('v1'));
  assert.deepEqual(await versions(10), Array(10).fill('v1'));
});

test('Should match URIs by prefix, exact path and RE2 regex, first match winning', async () => {
  await applyRoutes('uri-prefix', `  - name: uri-prefix
    match:
    - uri: {prefix: /api/v3}
    route:
    - destination: {host: reviews, subset: v3}
  - name: uri-exact-or-regex
    match:
    - uri: {exact: /exact}
    - uri: {regex: '/re/[0-9]+'}
    route:
    - destination: {host: reviews, subset: v2}
  - name: uri-default
    route:
    - destination: {host: reviews, subset: v1}
`);
  const cases: Array<[string, string]> = [
    ['/api/v3', 'v3'], ['/api/v3/reviews/1', 'v3'], ['/api/v2', 'v1'],
    ['/exact', 'v2'], ['/exact/more', 'v1'], ['/exactly', 'v1'],
    ['/re/123', 'v2'], ['/re/12a', 'v1'], ['/x/re/1', 'v1'],
  ];
  for (const [path, version] of cases) assert.deepEqual(await versions(1, path), [version], path);
});

test('Should rewrite the URI prefix and the authority as the app sees them', async () => {
  await applyRoutes('rewrite', `  - name: rewrite
    match:
    - uri: {prefix: /old}
    rewrite: {uri: /new, authority: reviews-rewritten.example}
    route:
    - destination: {host: reviews, subset: v2}
  - name: rewrite-default
    route:
    - destination: {host: reviews, subset: v1}
`);
  const r = await get(`${REVIEWS}/old/page?q=1`);
  assert.equal(r.status, 200, r.body);
  const seen = echo(r);
  assert.equal(seen.version, 'v2');
  assert.equal(seen.path, '/new/page?q=1');
  assert.equal(seen.headers.host, 'reviews-rewritten.example');
  const plain = echo(await get(`${REVIEWS}/other`));
  assert.equal(plain.path, '/other');
  assert.equal(plain.headers.host, 'reviews.default.svc.cluster.local:9080');
});

test('Should answer a redirect route with 301 and a Location, without calling the app', async () => {
  const before = mesh.workloads.get('reviews-v1')!.received.length;
  await applyRoutes('redirect', `  - name: redirect
    match:
    - uri: {exact: /v1/bookRatings}
    redirect: {uri: /v1/bookRatings/moved, authority: newratings.default.svc.cluster.local}
  - name: redirect-default
    route:
    - destination: {host: reviews, subset: v1}
`);
  const r = await get(`${REVIEWS}/v1/bookRatings`);
  assert.equal(r.status, 301);
  assert.match(r.headers.location ?? '', /^http:\/\/newratings\.default\.svc\.cluster\.local(:9080)?\/v1\/bookRatings\/moved$/);
  assert.ok(mesh.workloads.get('reviews-v1')!.received.slice(before).every((q) => q.url !== '/v1/bookRatings'), 'the app was not called');
});

test('Should answer a direct response route with its status and body', async () => {
  await applyRoutes('direct', `  - name: direct
    match:
    - uri: {prefix: /maintenance}
    directResponse:
      status: 503
      body: {string: "down for maintenance"}
  - name: direct-default
    route:
    - destination: {host: reviews, subset: v1}
`);
  const r = await get(`${REVIEWS}/maintenance/now`);
  assert.equal(r.status, 503);
  assert.equal(r.body, 'down for maintenance');
  assert.equal((await get(`${REVIEWS}/`)).status, 200);
});

test('Should set, add and remove request and response headers at route and destination level', async () => {
  await applyRoutes('headers', `  - name: headers
    headers:
      request:
        set: {x-route-set: route}
        add: {x-route-add: added}
        remove: [x-remove-me]
      response:
        set: {x-resp-set: set}
        add: {x-resp-add: added}
        remove: [x-app-header]
    route:
    - destination: {host: reviews, subset: v1}
      headers:
        request:
          set: {x-dest-set: destination}
        response:
          add: {x-dest-resp: destination}
`);
  const r = await get(`${REVIEWS}/headers`, { headers: { 'x-remove-me': 'please', 'x-route-set': 'from-client' } });
  assert.equal(r.status, 200, r.body);
  const seen = echo(r).headers;
  assert.equal(seen['x-route-set'], 'route');
  assert.equal(seen['x-route-add'], 'added');
  assert.equal(seen['x-dest-set'], 'destination');
  assert.equal(seen['x-remove-me'], undefined);
  assert.match(seen['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(r.headers['x-resp-set'], 'set');
  assert.equal(r.headers['x-resp-add'], 'added');
  assert.equal(r.headers['x-dest-resp'], 'destination');
  assert.equal(r.headers['x-app-header'], undefined);
  // What the sidecars add and keep to themselves, as Envoy in Istio does.
  assert.equal(seen['x-forwarded-proto'], 'http');
  assert.equal(seen['x-envoy-attempt-count'], '1');
  assert.equal(seen['x-envoy-peer-metadata'], undefined);
  assert.equal(seen['x-envoy-peer-metadata-id'], undefined);
  assert.equal(r.headers['x-envoy-peer-metadata'], undefined);
  assert.match(r.headers['x-envoy-upstream-service-time'] ?? '', /^[0-9]+$/);
});

test('Should match header regex, header absence and query parameters', async () => {
  await applyRoutes('header-regex', `  - name: header-regex
    match:
    - headers:
        user-agent: {regex: '.*Firefox/[0-9]+.*'}
    route:
    - destination: {host: reviews, subset: v2}
  - name: query
    match:
    - queryParams:
        debug: {exact: "1"}
      withoutHeaders:
        x-no-debug: {}
    route:
    - destination: {host: reviews, subset: v3}
  - name: header-default
    route:
    - destination: {host: reviews, subset: v1}
`);
  assert.deepEqual(await versions(1, '/', { 'user-agent': 'Mozilla/5.0 Firefox/120.0' }), ['v2']);
  assert.deepEqual(await versions(1, '/', { 'user-agent': 'curl/8.0' }), ['v1']);
  assert.deepEqual(await versions(1, '/?debug=1'), ['v3']);
  assert.deepEqual(await versions(1, '/?debug=1', { 'x-no-debug': 'yes' }), ['v1']);
  assert.deepEqual(await versions(1, '/?debug=2'), ['v1']);
});
