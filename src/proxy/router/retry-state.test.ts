import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RetryPolicy } from '../config/route.js';
import { HeaderMap } from '../http/headers.js';
import { createRetryState, type RetryOutcome } from './retry-state.js';
import { draws } from './route-fixtures.js';

function policy(retryOn: string, overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    retryOn: new Set(retryOn.split(',').filter(Boolean)),
    numRetries: 2,
    retriableStatusCodes: [],
    backoffBaseMs: 25,
    backoffMaxMs: 250,
    avoidPreviousHosts: true,
    hostSelectionRetryMaxAttempts: 5,
    ...overrides,
  };
}

const ISTIO_DEFAULT = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

/** [retryOn, outcome, retried?] */
const CASES: [string, RetryOutcome, boolean][] = [
  ['5xx', { status: 500 }, true],
  ['5xx', { status: 503 }, true],
  ['5xx', { status: 404 }, false],
  ['5xx', 'connect_failure', true],
  ['5xx', 'reset_before_response', true],
  ['5xx', 'per_try_timeout', true],
  ['5xx', 'reset_after_response', false],
  ['gateway-error', { status: 502 }, true],
  ['gateway-error', { status: 504 }, true],
  ['gateway-error', { status: 500 }, false],
  ['gateway-error', 'refused_stream', true],
  ['reset', 'reset_before_response', true],
  ['reset', 'connect_failure', true],
  ['reset', { status: 503 }, false],
  ['reset', 'per_try_timeout', false],
  ['connect-failure', 'connect_failure', true],
  ['connect-failure', 'connect_timeout', true],
  ['connect-failure', 'reset_before_response', false],
  ['connect-failure', { status: 503 }, false],
  ['refused-stream', 'refused_stream', true],
  ['refused-stream', 'reset_before_response', false],
  ['retriable-4xx', { status: 409 }, true],
  ['retriable-4xx', { status: 400 }, false],
  ['unavailable', { status: 200, grpcStatus: '14' }, true],
  ['unavailable', { status: 200, grpcStatus: 14 }, true],
  ['unavailable', { status: 200, grpcStatus: '4' }, false],
  ['cancelled', { status: 200, grpcStatus: '1' }, true],
  ['deadline-exceeded', { status: 200, grpcStatus: '4' }, true],
  ['resource-exhausted', { status: 200, grpcStatus: '8' }, true],
  ['internal', { status: 200, grpcStatus: '13' }, true],
  ['internal', { status: 500 }, false],
  [ISTIO_DEFAULT, { status: 503 }, false],
  [ISTIO_DEFAULT, 'connect_failure', true],
  [ISTIO_DEFAULT, 'refused_stream', true],
  [ISTIO_DEFAULT, { status: 200, grpcStatus: '14' }, true],
  [ISTIO_DEFAULT, 'reset_before_response', false],
];

for (const [on, outcome, retried] of CASES) {
  test(`Should ${retried ? 'retry' : 'not retry'} ${JSON.stringify(outcome)} under retry_on ${on}`, () => {
    const state = createRetryState(policy(on), () => 0.5);
    assert.equal(state.shouldRetry(outcome).retry, retried);
  });
}

test('Should retry listed status codes only with retriable-status-codes', () => {
  assert.equal(createRetryState(policy('retriable-status-codes', { retriableStatusCodes: [503] }), () => 0).shouldRetry({ status: 503 }).retry, true);
  assert.equal(createRetryState(policy('5xx', { retriableStatusCodes: [418] }), () => 0).shouldRetry({ status: 418 }).retry, false);
});

test('Should count attempts and report exhaustion after num_retries', () => {
  const state = createRetryState(policy('5xx'), () => 0);
  assert.equal(state.attemptCount, 1);
  assert.equal(state.shouldRetry({ status: 503 }).retry, true);
  assert.equal(state.attemptCount, 2);
  assert.equal(state.shouldRetry({ status: 503 }).retry, true);
  assert.equal(state.attemptCount, 3);
  assert.equal(state.retriesLeft, 0);
  assert.deepEqual(state.shouldRetry({ status: 503 }), { retry: false, exhausted: true });
  assert.equal(state.attemptCount, 3);
});

test('Should say not exhausted when the outcome is not retriable', () => {
  assert.deepEqual(createRetryState(policy('5xx'), () => 0).shouldRetry({ status: 200 }), { retry: false, exhausted: false });
});

test('Should not retry without a policy or with attempts: 0', () => {
  assert.equal(createRetryState(undefined, () => 0).shouldRetry('connect_failure').retry, false);
  assert.deepEqual(createRetryState(policy('5xx', { numRetries: 0 }), () => 0).shouldRetry({ status: 503 }), { retry: false, exhausted: true });
});

test('Should back off with full jitter in [0, (2^n - 1) x base), capped at the max', () => {
  const state = createRetryState(policy('5xx', { numRetries: 5 }), draws(0.999, 0.999, 0.5, 0.999, 0.999));
  const backoffs = [1, 2, 3, 4, 5].map(() => {
    const d = state.shouldRetry({ status: 500 });
    return d.retry ? d.backoffMs : -1;
  });
  // ceilings 25, 75, 175, 375 (capped to 250), 775 (capped)
  assert.deepEqual(backoffs, [24, 74, 87, 250, 250]);
});

test('Should let x-envoy-max-retries replace num_retries', () => {
  const state = createRetryState(policy('5xx'), () => 0, new HeaderMap(['x-envoy-max-retries', '0']));
  assert.deepEqual(state.shouldRetry({ status: 500 }), { retry: false, exhausted: true });
  const more = createRetryState(policy('5xx'), () => 0, new HeaderMap(['x-envoy-max-retries', '4']));
  for (let i = 0; i < 4; i++) assert.equal(more.shouldRetry({ status: 500 }).retry, true);
  assert.equal(more.shouldRetry({ status: 500 }).retry, false);
});

test('Should add the conditions of x-envoy-retry-on and x-envoy-retry-grpc-on', () => {
  const headers = new HeaderMap(['x-envoy-retry-on', 'gateway-error, retriable-4xx', 'x-envoy-retry-grpc-on', 'resource-exhausted']);
  const state = createRetryState(policy('connect-failure', { numRetries: 5 }), () => 0, headers);
  assert.equal(state.shouldRetry({ status: 503 }).retry, true);
  assert.equal(state.shouldRetry({ status: 409 }).retry, true);
  assert.equal(state.shouldRetry({ status: 200, grpcStatus: '8' }).retry, true);
  assert.equal(state.shouldRetry('connect_failure').retry, true);
});

test('Should retry once on header conditions when the route has no policy', () => {
  const state = createRetryState(undefined, () => 0, new HeaderMap(['x-envoy-retry-on', '5xx']));
  assert.equal(state.shouldRetry({ status: 500 }).retry, true);
  assert.deepEqual(state.shouldRetry({ status: 500 }), { retry: false, exhausted: true });
});

test('Should add the codes of x-envoy-retriable-status-codes', () => {
  const headers = new HeaderMap(['x-envoy-retriable-status-codes', '418, 425']);
  const state = createRetryState(policy('retriable-status-codes', { numRetries: 5, retriableStatusCodes: [503] }), () => 0, headers);
  assert.equal(state.shouldRetry({ status: 418 }).retry, true);
  assert.equal(state.shouldRetry({ status: 425 }).retry, true);
  assert.equal(state.shouldRetry({ status: 503 }).retry, true);
  assert.equal(state.shouldRetry({ status: 500 }).retry, false);
});
