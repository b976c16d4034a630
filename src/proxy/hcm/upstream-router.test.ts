import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterConfig, RetryPolicy, Route, RouteAction, VirtualHost } from '../config/index.js';
import { bufferedBody, type BodySource } from '../http/body.js';
import { UpstreamError, type UpstreamClient, type UpstreamResponseHandler } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import type { Admission, Clock, RouterCluster, UpstreamHost } from './ports.js';
import { RequestBodyRelay } from './request-body-relay.js';
import { UpstreamRouter, type RouterCallbacks } from './upstream-router.js';

/** A clock whose timers fire only when the test advances it. */
class ManualClock implements Clock {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  now = () => this.time;
  random = () => 0.5;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.next;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== h);
  };
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const t = this.timers[0];
      if (!t || t.at > until) break;
      this.timers.shift();
      this.time = t.at;
      t.fn();
    }
    this.time = until;
  }
}

type Reply = { status: number } | { fail: UpstreamError['failure'] } | 'hang';

/** A cluster of fake hosts whose upstream answers from a script, one reply per attempt. */
function fakeCluster(script: Reply[], options: { hosts?: number; admit?: boolean } = {}) {
  const hosts: UpstreamHost[] = Array.from({ length: options.hosts ?? 2 }, (_, i) => ({ address: `10.0.0.${i + 1}`, port: 80 }));
  const tried: string[] = [];
  const outcomes: unknown[] = [];
  let cancelled = 0;
  let pick = 0;
  const client = (host: UpstreamHost): UpstreamClient => ({
    connections: 0,
    pending: 0,
    active: 0,
    close() {},
    request(head: RequestHead, handler: UpstreamResponseHandler) {
      tried.push(`${host.address} attempt=${head.headers.get('x-envoy-attempt-count')}`);
      const reply = script.shift() ?? 'hang';
      queueMicrotask(() => {
        if (reply === 'hang') return;
        if ('fail' in reply) handler.onError(new UpstreamError(reply.fail, reply.fail));
        else handler.onResponse({ status: reply.status, reason: '', headers: new HeaderMap() }, bufferedBody(undefined));
      });
      return { body: { write: () => true, onceDrain: () => {}, end: () => {}, abort: () => {} }, cancel: () => void cancelled++ };
    },
  });
  const cluster: RouterCluster = {
    config: { name: 'outbound|80||svc', type: 'EDS', upstreamProtocol: 'http1' } as ClusterConfig,
    pickHost: (_head, _hash, _src, avoid) => {
      const free = hosts.filter((h) => !avoid?.has(h));
      return (free.length > 0 ? free : hosts)[pick++ % Math.max(1, free.length > 0 ? free.length : hosts.length)];
    },
    client,
    originalDestinationHost: (address, port) => ({ address, port }),
    admit: (_retry, done: (a: Admission) => void) => done(options.admit === false ? { admitted: false } : { admitted: true, release: () => {} }),
    reportOutcome: (_h, o) => void outcomes.push(o),
    hostRequestStarted: () => {},
    hostRequestFinished: () => {},
  };
  return { cluster, tried, outcomes, cancelled: () => cancelled, hosts: options.hosts === 0 ? [] : hosts };
}

const policy = (retryOn: string, numRetries: number, perTryTimeoutMs?: number): RetryPolicy => ({
  retryOn: new Set(retryOn.split(',')),
  numRetries,
  ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}),
  retriableStatusCodes: [],
  backoffBaseMs: 25,
  backoffMaxMs: 250,
  avoidPreviousHosts: true,
  hostSelectionRetryMaxAttempts: 5,
});

function run(cluster: RouterCluster, clock: ManualClock, opts: { retry?: RetryPolicy; timeoutMs?: number; perTryTimeoutMs?: number } = {}) {
  const outcome: { response?: ResponseHead; local?: { status: number; flags: readonly string[]; headers?: Readonly<Record<string, string>> } } = {};
  const action = { kind: 'route', retryPolicy: opts.retry, hashPolicies: [] } as unknown as RouteAction;
  const callbacks: RouterCallbacks = {
    forward: (head: ResponseHead, body: BodySource) => {
      body.discard();
      outcome.response = head;
    },
    upgrade: () => assert.fail('no upgrade expected'),
    localReply: (status, _details, flags, headers) => {
      outcome.local = { status, flags: [...flags], ...(headers ? { headers } : {}) };
    },
  };
  const relay = new RequestBodyRelay();
  relay.end();
  const router = new UpstreamRouter(
    {
      head: { method: 'GET', path: '/', authority: 'svc', scheme: 'http', protocol: 'HTTP/1.1', headers: new HeaderMap() },
      relay,
      route: {} as Route,
      action,
      virtualHost: { includeRequestAttemptCount: true } as VirtualHost,
      clusterName: 'outbound|80||svc',
      downstreamProtocol: 'http1',
      sourceAddress: '127.0.0.1',
      destinationAddress: '10.0.0.9',
      destinationPort: 80,
      timeoutMs: opts.timeoutMs ?? 0,
      perTryTimeoutMs: opts.perTryTimeoutMs ?? 0,
      retriesDisabled: false,
    },
    { get: (name) => (name === 'outbound|80||svc' ? cluster : undefined) },
    clock,
    callbacks,
  );
  router.start();
  return { router, outcome };
}

const tick = () => new Promise((r) => setImmediate(r));

test('Should retry a 503 on another host when retry_on has 5xx, counting attempts', async () => {
  const clock = new ManualClock();
  const f = fakeCluster([{ status: 503 }, { status: 200 }]);
  const { outcome } = run(f.cluster, clock, { retry: policy('5xx', 2) });
  await tick();
  clock.advance(100);
  await tick();
  assert.equal(outcome.response?.status, 200);
  assert.deepEqual(f.tried, ['10.0.0.1 attempt=1', '10.0.0.2 attempt=2']);
});

test('Should pass a 503 through when the policy does not retry it (Istio\'s default retry_on)', async () => {
  const clock = new ManualClock();
  const f = fakeCluster([{ status: 503 }, { status: 200 }]);
  const { outcome } = run(f.cluster, clock, { retry: policy('connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', 2) });
  await tick();
  clock.advance(100);
  assert.equal(outcome.response?.status, 503);
  assert.equal(f.tried.length, 1);
});

test('Should answer 503 with UF and URX once connect failures exhaust the retries', async () => {
  const clock = new ManualClock();
  const f = fakeCluster([{ fail: 'connect_failure' }, { fail: 'connect_failure' }, { fail: 'connect_failure' }]);
  const { outcome } = run(f.cluster, clock, { retry: policy('connect-failure', 2) });
  for (let i = 0; i < 3; i++) {
    await tick();
    clock.advance(1000);
  }
  assert.equal(outcome.local?.status, 503);
  assert.deepEqual(outcome.local?.flags, ['UF', 'URX']);
  assert.equal(f.tried.length, 3);
});

test('Should answer 504 UT at the route timeout and cancel the attempt', async () => {
  const clock = new ManualClock();
  const f = fakeCluster(['hang']);
  const { outcome } = run(f.cluster, clock, { timeoutMs: 500 });
  await tick();
  clock.advance(499);
  assert.equal(outcome.local, undefined);
  clock.advance(1);
  const local = outcome.local as { status: number; flags: readonly string[] } | undefined;
  assert.equal(local?.status, 504);
  assert.deepEqual(local?.flags, ['UT']);
  assert.equal(f.cancelled(), 1);
});

test('Should retry after a per-try timeout and succeed on the next attempt', async () => {
  const clock = new ManualClock();
  const f = fakeCluster(['hang', { status: 200 }]);
  const { outcome } = run(f.cluster, clock, { retry: policy('5xx', 1, 100), perTryTimeoutMs: 100, timeoutMs: 1000 });
  await tick();
  clock.advance(100);
  clock.advance(50);
  await tick();
  assert.equal(outcome.response?.status, 200);
  assert.equal(f.cancelled(), 1);
});

test('Should answer 503 UO with x-envoy-overloaded when the breakers refuse the request', () => {
  const clock = new ManualClock();
  const f = fakeCluster([], { admit: false });
  const { outcome } = run(f.cluster, clock);
  assert.equal(outcome.local?.status, 503);
  assert.deepEqual(outcome.local?.flags, ['UO']);
  assert.equal(outcome.local?.headers?.['x-envoy-overloaded'], 'true');
});

test('Should answer 503 NR when the route names a cluster the proxy does not have', () => {
  const clock = new ManualClock();
  let answered = false;
  const missing = new UpstreamRouter(
    { clusterName: 'outbound|80|v9|svc', relay: new RequestBodyRelay(), action: { kind: 'route', hashPolicies: [] }, virtualHost: {}, route: {}, head: { headers: new HeaderMap() } } as never,
    { get: () => undefined },
    clock,
    { forward: () => assert.fail(), upgrade: () => assert.fail(), localReply: (status, _d, flags) => {
      answered = true;
      assert.deepEqual([status, [...flags]], [503, ['NR']]);
    } },
  );
  missing.start();
  assert.ok(answered);
});

test('Should cut off a response body still arriving when the route timeout fires, and not after it ends', async () => {
  const clock = new ManualClock();
  const f = fakeCluster([{ status: 200 }, { status: 200 }]);
  const slow = run(f.cluster, clock, { timeoutMs: 500 });
  await tick();
  assert.equal(slow.outcome.response?.status, 200);
  clock.advance(499);
  assert.equal(f.cancelled(), 0);
  clock.advance(1);
  assert.equal(f.cancelled(), 1, 'the upstream request is cancelled mid-body');
  assert.deepEqual(slow.router.flags, ['UT']);

  const done = run(f.cluster, clock, { timeoutMs: 500 });
  await tick();
  done.router.responseComplete();
  clock.advance(1000);
  assert.equal(f.cancelled(), 1, 'a complete response is left alone');
  assert.deepEqual(done.router.flags, []);
});
