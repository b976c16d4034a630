// `heddle demo` with the rest of Istio's tasks applied one by one (retries, circuit breaking,
// mirroring, mutual TLS STRICT, HTTP authorization), each checked as Istio's docs describe it and
// each undone before the next; then `heddle demo` is killed outright, and its processes must still
// end by themselves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onSubnet, processesMatching, reviewsVersion, startDemo, type Demo, type DemoPorts, type ProcessView } from '../support/demo.js';
import { REPO_ROOT } from '../support/heddle.js';
import { eventually } from '../support/mesh-config.js';
import { proxyClient, type ProxyResponse } from '../support/proxy-client.js';

const linux = process.platform === 'linux';
const skip = linux ? false : 'needs Linux, where all of 127.0.0.0/8 is loopback';
// A subnet and ports of this test's own, so that it runs beside demo.test.ts and a user's demo.
const SUBNET = `127.13.${Math.floor(Math.random() * 200) + 20}`;
const NETWORKING = join(REPO_ROOT, 'samples/bookinfo/networking');
const RBAC_DENIED = 'RBAC: access denied';

let demo: Demo | undefined;
let ports: DemoPorts;
let scratch: string;

/** A running workload of the demo, read from its sidecar's command line. */
interface Workload {
  readonly ip: string;
  /** The sidecar's inbound port for the app's port 9080 (the app listens on 127.0.0.1 at the same number). */
  readonly inboundPort: number;
  readonly statsPort: number;
  /** A client that sends requests through this workload's sidecar, as its app does (HTTP_PROXY). */
  readonly outbound: ReturnType<typeof proxyClient>;
}

function workload(name: string): Workload {
  const flag = (args: readonly string[], f: string): string | undefined => args[args.indexOf(f) + 1];
  const isSidecar = ({ args }: ProcessView) => (args.includes('sidecar') || args.includes('gateway')) && flag(args, '--name') === name && flag(args, '--ip')?.startsWith(`${SUBNET}.`) === true;
  const [sidecar] = processesMatching(isSidecar);
  if (!sidecar) throw new Error(`no sidecar process for ${name} in ${SUBNET}.0/24`);
  const ip = flag(sidecar.args, '--ip')!;
  return {
    ip,
    inboundPort: Number(/:(\d+)$/.exec(flag(sidecar.args, '--app-port') ?? '')?.[1] ?? 0),
    statsPort: Number(flag(sidecar.args, '--stats-port')),
    outbound: proxyClient(`http://${ip}:15001`),
  };
}

/** A GET (or `method`) to `host:port` on a connection of its own, so no kept-alive socket can go stale between steps. */
function httpGet(host: string, port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('timeout', () => req.destroy(new Error(`${method} ${host}:${port}${path} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

/** The sum of `istio_requests_total` samples whose labels include every one of `labels`. */
async function requests(w: Workload, labels: Readonly<Record<string, string>>): Promise<number> {
  const { body } = await httpGet('127.0.0.1', w.statsPort, '/stats/prometheus');
  let sum = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith('istio_requests_total{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

interface Page {
  readonly status: number;
  readonly body: string;
  /** `v1`, `v2` or `v3`: the reviews version that served the page, when reviews answered. */
  readonly version?: string;
}

async function gateway(path: string, method = 'GET'): Promise<Page> {
  const { status, body } = await httpGet('127.0.0.1', ports.gateway, path, method);
  const version = reviewsVersion(body);
  return { status, body, ...(version ? { version } : {}) };
}

/** Whether the page shows the book's details and its reviews, with no error from either. */
function complete(page: Page): boolean {
  return page.status === 200 && page.body.includes('Book Details') && page.version !== undefined && !page.body.includes('Error fetching');
}

/** `heddle apply -f FILE` (or delete) against the demo's control plane; FILE is a sample's name or a path. */
function heddle(command: 'apply' | 'delete', file: string): string {
  const r = demo!.heddle(command, file.includes('/') ? file : join(NETWORKING, file));
  assert.equal(r.status, 0, `heddle ${command} -f ${file} failed:\n${r.stderr}`);
  return r.stdout;
}

/**
 * Writes a directory of the test's own holding `files` (YAML by name) and returns its path: one
 * `heddle apply -f DIR` then applies them together, and one `heddle delete -f DIR` undoes them.
 */
function taskDir(name: string, files: Readonly<Record<string, string>>): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const [file, yaml] of Object.entries(files)) writeFileSync(join(dir, file), yaml);
  return dir;
}

/** A sample file's text. */
function sample(file: string): string {
  return readFileSync(join(NETWORKING, file), 'utf8');
}

/** A plaintext GET straight to `ip:port`, with no sidecar: the status, or the error code when no HTTP answer came. */
function plaintext(ip: string, port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: ip, port, path, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

before(async () => {
  if (!linux) return;
  scratch = mkdtempSync(join(tmpdir(), 'heddle-demo-tasks-'));
  demo = await startDemo(['--subnet', SUBNET], { upWithinMs: 90_000, stopWithinMs: 40_000, isOurs: onSubnet(SUBNET) });
  ports = demo.ports;
});

after(async () => {
  if (!linux) return;
  await demo?.stopAndReap();
  rmSync(scratch, { recursive: true, force: true });
});

/** `heddle delete -f FILE`, for `finally` blocks: never throws, so it cannot hide a test's own failure. */
function undo(file: string): string {
  return demo!.heddle('delete', file.includes('/') ? file : join(NETWORKING, file)).stdout;
}

test('Should retry upstream 5xx answers as a route\'s retries say, so most calls succeed', { skip }, async () => {
  // Istio's file retries ratings v1 only on connection failures (its default retryOn), and a
  // fault on a route turns that route's retries off, so the failures come from the hop behind:
  // productpage's sidecar aborts half of its calls to details with 503, productpage passes that
  // status on for /api/v1/products/0, and the gateway's route to productpage retries 5xx 3 times.
  const dir = taskDir('retries', {
    'virtual-service-ratings-retries.yaml': sample('virtual-service-ratings-retries.yaml'),
    'details-abort.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: details
spec:
  hosts: [details]
  http:
  - fault:
      abort:
        httpStatus: 503
        percentage: {value: 50}
    route:
    - destination: {host: details, subset: v1}
`,
    'bookinfo-retries.yaml': sample('bookinfo-gateway.yaml').replace(/(\n {4}route:\n)/, '\n    retries: {attempts: 3, retryOn: 5xx}$1'),
  });
  assert.match(readFileSync(join(dir, 'bookinfo-retries.yaml'), 'utf8'), /retries: \{attempts: 3, retryOn: 5xx\}\n {4}route:/);
  const productpage = workload('productpage-v1');
  const ingress = workload('istio-ingressgateway');
  const retriedLabels = { reporter: 'destination', source_workload: 'istio-ingressgateway', response_code: '503' };
  const faultLabels = { reporter: 'source', response_flags: 'FI' };
  const okLabels = { reporter: 'source', destination_service: 'productpage.default.svc.cluster.local', response_code: '200' };
  const before = { retried: await requests(productpage, retriedLabels), faults: await requests(productpage, faultLabels), ok: await requests(ingress, okLabels) };
  try {
    const out = heddle('apply', dir);
    for (const line of ['virtualservice.networking.istio.io/ratings created', 'virtualservice.networking.istio.io/details created', 'virtualservice.networking.istio.io/bookinfo configured']) assert.ok(out.includes(line), out);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await gateway('/api/v1/products/0')).status);
    const ok = statuses.filter((s) => s === 200).length;
    // A call now fails only when four attempts in a row do (1 in 16).
    assert.ok(ok >= 15, `most calls succeed: ${statuses.join(' ')}`);
    const retried = (await requests(productpage, retriedLabels)) - before.retried;
    assert.ok(retried >= 3, `productpage's sidecar answered the gateway ${retried} attempts with 503, each retried or the last of four`);
    assert.ok((await requests(productpage, faultLabels)) - before.faults >= retried, 'each 503 was a fault injected on productpage\'s call to details');
    await eventually(async () => (await requests(ingress, okLabels)) - before.ok === ok, 5000, `the gateway reporting one request per successful call (${ok}), however many attempts it took`);

    // Istio's retries file keeps ratings working: the pages of reviews v2 and v3 have stars.
    const starred = await eventually(async () => {
      const page = await gateway('/productpage');
      return page.version !== undefined && page.version !== 'v1' && page;
    }, 15_000, 'a page from reviews v2 or v3');
    assert.match(starred.body, /<font color="(black|red)">★/);
  } finally {
    undo(dir);
  }
  assert.equal((await gateway('/api/v1/products/0')).status, 200, 'undone: details answers every call');
});

test('Should trip the circuit breaker on concurrent requests and still serve sequential ones', { skip }, async () => {
  // reviews-v2's sidecar is the caller, as when reviews v2 asks ratings for stars.
  const reviews = workload('reviews-v2');
  const ratingsUrl = 'http://ratings:9080/ratings/0';
  const overflowLabels = { reporter: 'source', destination_service: 'ratings.default.svc.cluster.local', response_code: '503', response_flags: 'UO' };
  try {
    assert.match(heddle('apply', 'destination-rule-circuit-breaking.yaml'), /destinationrule\.networking\.istio\.io\/ratings configured/);
    for (let i = 0; i < 5; i++) assert.equal((await reviews.outbound(ratingsUrl)).status, 200, 'one request at a time stays within the limits');
    const before = await requests(reviews, overflowLabels);
    let all: ProxyResponse[] = [];
    let overflowed: ProxyResponse[] = [];
    for (let round = 0; round < 3 && overflowed.length === 0; round++) {
      all = await Promise.all(Array.from({ length: 30 }, () => reviews.outbound(ratingsUrl)));
      overflowed = all.filter((r) => r.status === 503);
    }
    assert.ok(overflowed.length > 0, `some of 30 concurrent requests overflow 1 connection and 1 pending request: ${all.map((r) => r.status).join(' ')}`);
    assert.ok(all.some((r) => r.status === 200), 'the requests within the limits are served');
    for (const r of overflowed) assert.equal(r.headers['x-envoy-overloaded'], 'true');
    await eventually(async () => (await requests(reviews, overflowLabels)) - before >= overflowed.length, 5000, 'the calling sidecar counting each overflow as UO for ratings');
    for (let i = 0; i < 3; i++) assert.equal((await reviews.outbound(ratingsUrl)).status, 200, 'after the burst, sequential requests succeed again');
  } finally {
    undo('destination-rule-circuit-breaking.yaml');
  }
});

test('Should serve reviews from v1 and mirror every request to v2', { skip }, async () => {
  const v2 = workload('reviews-v2');
  const mirrored = { reporter: 'destination', source_workload: 'productpage-v1', destination_workload: 'reviews-v2' };
  try {
    assert.match(heddle('apply', 'virtual-service-reviews-mirror-v2.yaml'), /virtualservice\.networking\.istio\.io\/reviews created/);
    const before = await requests(v2, mirrored);
    const served: string[] = [];
    for (let i = 0; i < 8; i++) served.push((await gateway('/productpage')).version ?? 'error');
    assert.deepEqual(new Set(served), new Set(['v1']), `the pages show reviews v1 only: ${served.join(' ')}`);
    // productpage asks reviews once per page; each ask is mirrored, and v2's answers are dropped.
    const copies = await eventually(async () => {
      const n = (await requests(v2, mirrored)) - before;
      return n >= 8 && n;
    }, 10_000, 'reviews-v2 receiving the mirrored copies');
    assert.ok(copies >= 8 && copies <= 16, `reviews-v2's sidecar counts ${copies} mirrored requests from productpage`);
  } finally {
    undo('virtual-service-reviews-mirror-v2.yaml');
  }
});

test('Should refuse plaintext under STRICT mutual TLS while the sidecars keep talking mTLS', { skip }, async () => {
  const details = workload('details-v1');
  assert.equal(await plaintext(details.ip, details.inboundPort, '/details/0'), 200, 'PERMISSIVE: a client with no sidecar is served');
  const dir = taskDir('mtls', {
    'peer-authentication-strict.yaml': sample('peer-authentication-strict.yaml'),
    'destination-rule-all-mtls.yaml': sample('destination-rule-all-mtls.yaml'),
  });
  const mtls = { reporter: 'destination', source_workload: 'productpage-v1', connection_security_policy: 'mutual_tls', response_code: '200' };
  try {
    assert.match(heddle('apply', dir), /peerauthentication\.security\.istio\.io\/default created/);
    const refused = await eventually(async () => {
      const outcome = await plaintext(details.ip, details.inboundPort, '/details/0');
      return typeof outcome === 'string' && outcome;
    }, 10_000, 'plaintext refused');
    assert.ok(refused, `STRICT: the plaintext client gets no HTTP answer (${refused})`);
    const before = await requests(details, mtls);
    const page = await gateway('/productpage');
    assert.ok(complete(page), 'the page still works: the gateway and the sidecars speak mTLS');
    await eventually(async () => (await requests(details, mtls)) > before, 5000, 'details\' sidecar reporting productpage\'s call as mutual_tls');
  } finally {
    undo(dir);
  }
  await eventually(async () => (await plaintext(details.ip, details.inboundPort, '/details/0')) === 200, 10_000, 'plaintext served again once undone');
});

test('Should deny everything with allow-nothing, then allow Bookinfo\'s calls by method and principal', { skip }, async () => {
  const allowNothing = taskDir('allow-nothing', { 'allow-nothing.yaml': sample('authorization-policy-http.yaml').split(/^---$/m)[0]! });
  assert.doesNotMatch(readFileSync(join(allowNothing, 'allow-nothing.yaml'), 'utf8'), /viewer/);
  try {
    assert.match(heddle('apply', allowNothing), /authorizationpolicy\.security\.istio\.io\/allow-nothing created/);
    const denied = await eventually(async () => {
      const page = await gateway('/productpage');
      return page.status === 403 && page;
    }, 10_000, 'the page denied');
    assert.equal(denied.body, RBAC_DENIED);

    const out = heddle('apply', 'authorization-policy-http.yaml');
    for (const name of ['productpage-viewer', 'details-viewer', 'reviews-viewer', 'ratings-viewer']) assert.match(out, new RegExp(`authorizationpolicy\\.security\\.istio\\.io/${name} created`));
    const page = await eventually(async () => {
      const p = await gateway('/productpage');
      return complete(p) && p.version !== 'v1' && p;
    }, 15_000, 'a complete page from reviews v2 or v3');
    assert.match(page.body, /<font color="(black|red)">★/, 'reviews may call ratings: the bookinfo-reviews principal is allowed');

    const post = await gateway('/productpage', 'POST');
    assert.equal(post.status, 403, 'productpage allows GET only');
    assert.equal(post.body, RBAC_DENIED);
    const fromReviews = await workload('reviews-v1').outbound('http://details:9080/details/0');
    assert.equal(fromReviews.status, 403, 'details allows only the bookinfo-productpage principal');
    assert.equal(fromReviews.body, RBAC_DENIED);
    assert.equal((await workload('productpage-v1').outbound('http://details:9080/details/0')).status, 200);
  } finally {
    undo('authorization-policy-http.yaml');
  }
  await eventually(async () => (await gateway('/productpage', 'POST')).status === 200, 10_000, 'POST allowed again once undone');
});

test('Should leave no process behind when heddle demo itself is killed with SIGKILL', { skip }, async () => {
  // Ctrl-C is demo.test.ts's; here `heddle demo` gets no chance to stop anything, so each child
  // must notice on its own that its parent is gone.
  assert.ok(demo!.pids().length > 0);
  demo!.child.kill('SIGKILL');
  await eventually(async () => demo!.pids().length === 0, 30_000, 'every process of the demo gone after its parent was killed');
});
