import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RetryPolicy, RouteAction } from '../config/route.js';
import { computeTimeouts, formatGrpcTimeout, parseGrpcTimeout } from './timeouts.js';
import { requestHead, route, routeAction, routeMatch } from './route-fixtures.js';

const retry = (perTryTimeoutMs?: number): RetryPolicy => ({
  retryOn: new Set(['5xx']),
  numRetries: 3,
  perTryTimeoutMs,
  retriableStatusCodes: [],
  backoffBaseMs: 25,
  backoffMaxMs: 250,
  avoidPreviousHosts: true,
  hostSelectionRetryMaxAttempts: 5,
});

const GRPC: [string, string] = ['content-type', 'application/grpc'];

const CASES: {
  name: string;
  action: Partial<RouteAction>;
  perTry?: number;
  headers?: [string, string][];
  honour?: boolean;
  expect: [number, number, number];
}[] = [
  { name: 'have no timeout by default', action: {}, expect: [0, 0, 0] },
  { name: 'use the route timeout', action: { timeoutMs: 3000 }, expect: [3000, 0, 3000] },
  { name: 'use a shorter per-try timeout and expect it upstream', action: { timeoutMs: 3000 }, perTry: 1000, expect: [3000, 1000, 1000] },
  { name: 'drop a per-try timeout not shorter than the route timeout', action: { timeoutMs: 3000 }, perTry: 3000, expect: [3000, 0, 3000] },
  { name: 'keep a per-try timeout when the route has none', action: {}, perTry: 1000, expect: [0, 1000, 1000] },
  { name: 'let x-envoy-upstream-rq-timeout-ms replace the route timeout', action: { timeoutMs: 3000 }, headers: [['x-envoy-upstream-rq-timeout-ms', '500']], expect: [500, 0, 500] },
  { name: 'ignore x-envoy-upstream-rq-timeout-ms from untrusted clients', action: { timeoutMs: 3000 }, headers: [['x-envoy-upstream-rq-timeout-ms', '500']], honour: false, expect: [3000, 0, 3000] },
  { name: 'ignore a malformed timeout header', action: { timeoutMs: 3000 }, headers: [['x-envoy-upstream-rq-timeout-ms', '5s']], expect: [3000, 0, 3000] },
  { name: 'let x-envoy-upstream-rq-per-try-timeout-ms replace the per-try timeout', action: { timeoutMs: 3000 }, perTry: 1000, headers: [['x-envoy-upstream-rq-per-try-timeout-ms', '200']], expect: [3000, 200, 200] },
  { name: 'use grpc-timeout under the cap', action: { timeoutMs: 9000, grpcTimeoutHeaderMaxMs: 3000 }, headers: [GRPC, ['grpc-timeout', '1500m']], expect: [1500, 0, 1500] },
  { name: 'cap grpc-timeout', action: { timeoutMs: 9000, grpcTimeoutHeaderMaxMs: 3000 }, headers: [GRPC, ['grpc-timeout', '10S']], expect: [3000, 0, 3000] },
  { name: 'use the cap when grpc-timeout is absent', action: { timeoutMs: 9000, grpcTimeoutHeaderMaxMs: 3000 }, headers: [GRPC], expect: [3000, 0, 3000] },
  { name: 'use grpc-timeout uncapped when the max is 0', action: { timeoutMs: 9000, grpcTimeoutHeaderMaxMs: 0 }, headers: [GRPC, ['grpc-timeout', '1M']], expect: [60000, 0, 60000] },
  { name: 'have no timeout when grpc-timeout is absent and the max is 0', action: { timeoutMs: 9000, grpcTimeoutHeaderMaxMs: 0 }, headers: [GRPC], expect: [0, 0, 0] },
  { name: 'ignore grpc-timeout without grpc_timeout_header_max', action: { timeoutMs: 9000 }, headers: [GRPC, ['grpc-timeout', '1S']], expect: [9000, 0, 9000] },
  { name: 'ignore grpc-timeout on a request that is not gRPC', action: { timeoutMs: 9000, grpcTimeoutHeaderMaxMs: 3000 }, headers: [['grpc-timeout', '1S']], expect: [9000, 0, 9000] },
];

for (const c of CASES) {
  test(`Should ${c.name}`, () => {
    const r = route('r', routeMatch({ kind: 'prefix', value: '/' }), { action: routeAction(c.action) });
    const t = computeTimeouts(r, requestHead('/', { headers: c.headers ?? [] }), c.perTry === undefined ? undefined : retry(c.perTry), c.honour ?? true);
    assert.deepEqual([t.globalMs, t.perTryMs, t.expectedMs], c.expect);
  });
}

test('Should have no timeouts on a route that injects faults', () => {
  const r = route('r', routeMatch({ kind: 'prefix', value: '/' }), { action: routeAction({ timeoutMs: 3000 }), fault: { delay: { fixedDelayMs: 7000, percentagePpm: 1_000_000 } } });
  assert.deepEqual(computeTimeouts(r, requestHead('/'), retry(1000), true), { globalMs: 0, perTryMs: 0, expectedMs: 0 });
});

const GRPC_TIMEOUTS: [string | undefined, number | undefined][] = [
  ['1H', 3_600_000],
  ['2M', 120_000],
  ['3S', 3000],
  ['250m', 250],
  ['1500u', 2],
  ['1n', 1],
  ['0m', 0],
  ['123456789S', undefined],
  ['10x', undefined],
  ['S', undefined],
  [undefined, undefined],
];
for (const [value, ms] of GRPC_TIMEOUTS) {
  test(`Should read grpc-timeout ${value} as ${ms} ms`, () => {
    assert.equal(parseGrpcTimeout(value), ms);
  });
}

test('Should write a grpc-timeout of at most 8 digits', () => {
  assert.equal(formatGrpcTimeout(1500), '1500m');
  assert.equal(formatGrpcTimeout(100_000_000), '100000S');
});
