import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RetryPolicy } from '../config/route.js';
import { faultDisablesResilience, resolveRetryPolicy } from './route-resilience.js';
import { route, routeAction, routeMatch, virtualHost } from './route-fixtures.js';

const policy = (numRetries: number): RetryPolicy => ({
  retryOn: new Set(['5xx']),
  numRetries,
  retriableStatusCodes: [],
  backoffBaseMs: 25,
  backoffMaxMs: 250,
  avoidPreviousHosts: false,
  hostSelectionRetryMaxAttempts: 1,
});
const match = routeMatch({ kind: 'prefix', value: '/' });

test("Should prefer the route's retry policy over the virtual host's", () => {
  const r = route('r', match, { action: routeAction({ retryPolicy: policy(3) }) });
  assert.equal(resolveRetryPolicy(r, virtualHost('vh', ['*'], [r], { retryPolicy: policy(1) }))?.numRetries, 3);
});

test("Should fall back to the virtual host's retry policy", () => {
  const r = route('r', match);
  assert.equal(resolveRetryPolicy(r, virtualHost('vh', ['*'], [r], { retryPolicy: policy(1) }))?.numRetries, 1);
});

test('Should drop retries on a route that injects faults, as Istio does', () => {
  const r = route('r', match, { action: routeAction({ retryPolicy: policy(3) }), fault: { abort: { httpStatus: 500, percentagePpm: 100_000 } } });
  assert.equal(faultDisablesResilience(r), true);
  assert.equal(resolveRetryPolicy(r, virtualHost('vh', ['*'], [r], { retryPolicy: policy(1) })), undefined);
});

test('Should have no retry policy for a redirect or direct response', () => {
  const r = route('r', match, { action: { kind: 'direct_response', status: 200 } });
  assert.equal(resolveRetryPolicy(r, virtualHost('vh', ['*'], [r], { retryPolicy: policy(1) })), undefined);
});
