import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGrpcRetryPolicy, buildRetryPolicy } from './retry-policy.js';
import { reviewsRoutes } from './testing.js';

const toReviews = [{ destination: { host: 'reviews' } }];

test('Should give routes without retries Istio\'s default policy: 2 retries, other hosts, 25ms back-off, no 503', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ route: toReviews }] });
  assert.equal(route?.route?.retry_policy?.retriable_status_codes, undefined);
  assert.deepEqual(route?.route?.retry_policy, {
    retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
    num_retries: { value: 2 },
    host_selection_retry_max_attempts: 5,
    retry_back_off: { base_interval: { seconds: 0, nanos: 25_000_000 } },
    retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }],
  });
});

test('Should disable retries with attempts: 0', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ retries: { attempts: 0 }, route: toReviews }] });
  assert.equal(route?.route?.retry_policy, undefined);
});

test('Should take attempts, perTryTimeout and retryOn, turning numbers into retriable status codes', () => {
  const [route] = reviewsRoutes({ hosts: ['reviews'], http: [{ retries: { attempts: 4, perTryTimeout: '2s', retryOn: 'gateway-error, 503,connect-failure,429' }, route: toReviews }] });
  const policy = route?.route?.retry_policy;
  assert.equal(policy?.retry_on, 'gateway-error,connect-failure,retriable-status-codes');
  assert.deepEqual(policy?.retriable_status_codes, [503, 429]);
  assert.deepEqual(policy?.num_retries, { value: 4 });
  assert.deepEqual(policy?.per_try_timeout, { seconds: 2 });
});

test('Should honour retryIgnorePreviousHosts, retryRemoteLocalities and backoff', () => {
  const policy = buildRetryPolicy({ attempts: 1, retryIgnorePreviousHosts: false, retryRemoteLocalities: true, backoff: '100ms' });
  assert.equal(policy?.retry_host_predicate, undefined);
  assert.deepEqual(policy?.retry_priority, { name: 'envoy.retry_priorities.previous_priorities' });
  assert.deepEqual(policy?.retry_back_off, { base_interval: { seconds: 0, nanos: 100_000_000 } });
});

test('Should keep only the gRPC statuses grpc-js-xds retries on for proxyless clients', () => {
  assert.deepEqual(buildGrpcRetryPolicy(undefined), {
    retry_on: 'unavailable,cancelled',
    num_retries: { value: 2 },
    retry_back_off: { base_interval: { seconds: 0, nanos: 25_000_000 } },
  });
  assert.equal(buildGrpcRetryPolicy({ attempts: 3, retryOn: 'internal,5xx,deadline-exceeded' })?.retry_on, 'internal,deadline-exceeded');
  assert.equal(buildGrpcRetryPolicy({ attempts: 3, retryOn: '5xx,gateway-error' }), undefined);
  assert.equal(buildGrpcRetryPolicy({ attempts: 0 }), undefined);
});
