import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExtAuthzConfig } from '../../config/policy.js';
import type { Clock, RouterClusters } from '../../hcm/ports.js';
import type { ConnectionInfo } from '../../http/exchange.js';
import { loopbackClusters } from '../filters-testing.js';
import { requestHead } from '../../router/route-fixtures.js';
import type { PolicyRequest } from '../policy-filter.js';
import { createExtAuthzFilter } from './ext-authz-filter.js';

const CONN: ConnectionInfo = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2, destinationAddress: '127.0.0.1', destinationPort: 8080, tls: false };
const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A loopback authorization service: `answer` decides per request; `hold` leaves it unanswered. */
async function authzServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  closers.push(() => server.closeAllConnections());
  return { port: (server.address() as AddressInfo).port, seen };
}

function clustersFor(port: number): RouterClusters {
  return loopbackClusters('outbound|8000||authz.local', port, closers);
}

/** A clock whose timers fire only when the test says so. */
function manualClock(): Clock & { fire(): void } {
  const timers = new Set<() => void>();
  return {
    now: () => 0,
    random: () => 0,
    setTimeout: (fn) => {
      timers.add(fn);
      return fn;
    },
    clearTimeout: (h) => void timers.delete(h as () => void),
    fire: () => [...timers].forEach((fn) => fn()),
  };
}

function config(over: Partial<ExtAuthzConfig> = {}): ExtAuthzConfig {
  return {
    cluster: 'outbound|8000||authz.local',
    authority: 'authz.local:8000',
    pathPrefix: '/check',
    timeoutMs: 600,
    failureModeAllow: false,
    statusOnError: 403,
    allowedHeaders: [{ kind: 'exact', value: 'x-team', ignoreCase: false }],
    headersToAdd: [{ name: 'x-authz-source', value: 'sidecar' }],
    allowedUpstreamHeaders: [{ kind: 'exact', value: 'x-user', ignoreCase: false }],
    allowedClientHeaders: [],
    ...over,
  };
}

function request(): PolicyRequest {
  const head = requestHead('/books/1?x=1', { method: 'DELETE', headers: [['authorization', 'Bearer t'], ['x-team', 'blue'], ['x-secret', 's']] });
  return { head, connection: CONN, remoteIp: '127.0.0.1', route: undefined, virtualHost: undefined, metadata: new Map(), signal: new AbortController().signal };
}

test('Should allow on a 200 check, sending method, prefixed path and allowed headers, and copy allowed headers upstream', async () => {
  const { port, seen } = await authzServer((_req, res) => res.writeHead(200, { 'x-user': 'alice', 'x-internal': 'no' }).end());
  const req = request();
  const verdict = await createExtAuthzFilter('envoy.filters.http.ext_authz', config(), { clusters: clustersFor(port), clock: manualClock(), hcmStatPrefix: 'inbound' }).decodeHeaders(req);
  assert.deepEqual(verdict, { kind: 'continue' });
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.method, 'DELETE');
  assert.equal(seen[0]!.url, '/check/books/1?x=1');
  assert.equal(seen[0]!.headers['authorization'], 'Bearer t');
  assert.equal(seen[0]!.headers['x-team'], 'blue');
  assert.equal(seen[0]!.headers['x-secret'], undefined);
  assert.equal(seen[0]!.headers['x-authz-source'], 'sidecar');
  assert.equal(req.head.headers.get('x-user'), 'alice');
  assert.equal(req.head.headers.get('x-internal'), undefined);
});

test('Should deny with the check response\'s status, body and headers, flagged UAEX', async () => {
  const { port } = await authzServer((_req, res) => res.writeHead(401, { 'x-reason': 'no badge', 'content-type': 'text/plain' }).end('denied by policy'));
  const verdict = await createExtAuthzFilter('f', config(), { clusters: clustersFor(port), clock: manualClock(), hcmStatPrefix: 'inbound' }).decodeHeaders(request());
  assert.equal(verdict.kind, 'deny');
  if (verdict.kind !== 'deny') return;
  assert.equal(verdict.status, 401);
  assert.equal(verdict.body, 'denied by policy');
  assert.equal(verdict.flag, 'UAEX');
  assert.equal(verdict.details, 'ext_authz_denied');
  assert.equal(verdict.headers?.get('x-reason'), 'no badge');
});

test('Should deny with 403 when the check times out, and allow instead under failure_mode_allow', async () => {
  for (const failureModeAllow of [false, true]) {
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const { port } = await authzServer(() => arrived());
    const clock = manualClock();
    const pending = createExtAuthzFilter('f', config({ failureModeAllow }), { clusters: clustersFor(port), clock, hcmStatPrefix: 'inbound' }).decodeHeaders(request());
    await reached;
    clock.fire();
    const verdict = await pending;
    if (failureModeAllow) assert.deepEqual(verdict, { kind: 'continue' });
    else assert.deepEqual(verdict, { kind: 'deny', status: 403, body: '', details: 'ext_authz_error', flag: 'UAEX' });
  }
});

test('Should deny with status_on_error when the authorization cluster is unknown', async () => {
  const verdict = await createExtAuthzFilter('f', config({ cluster: 'nowhere', statusOnError: 503 }), { clusters: clustersFor(1), clock: manualClock(), hcmStatPrefix: 'inbound' }).decodeHeaders(request());
  assert.equal(verdict.kind === 'deny' && verdict.status, 503);
});

test('Should check only the requests whose metadata filter_enabled_metadata matches', async () => {
  const { port, seen } = await authzServer((_req, res) => res.writeHead(403).end('custom deny'));
  const enabledMetadata = { filter: 'envoy.filters.http.rbac', path: ['istio_ext_authz_shadow_effective_policy_id'], value: { kind: 'string' as const, match: { kind: 'prefix' as const, value: 'istio-ext-authz', ignoreCase: false } }, invert: false };
  const filter = createExtAuthzFilter('f', config({ enabledMetadata }), { clusters: clustersFor(port), clock: manualClock(), hcmStatPrefix: 'inbound' });
  assert.deepEqual(await filter.decodeHeaders(request()), { kind: 'continue' });
  assert.equal(seen.length, 0);
  const marked = request();
  marked.metadata.set('envoy.filters.http.rbac', { istio_ext_authz_shadow_effective_policy_id: 'istio-ext-authz-ns[foo]-policy[ext]-rule[0]' });
  const verdict = await filter.decodeHeaders(marked);
  assert.equal(verdict.kind === 'deny' && verdict.body, 'custom deny');
  assert.equal(seen.length, 1);
});
