import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admission } from '../hcm/ports.js';
import { createCircuitBreaker } from '../upstream/circuit-breaker.js';
import { RequestAdmission } from './request-admission.js';

const limits = (maxConnections: number, maxPendingRequests: number, maxRequests = 1000, maxRetries = 1000) => ({ maxConnections, maxPendingRequests, maxRequests, maxRetries });

function admitNow(admission: RequestAdmission, retry = false): Admission | 'waiting' {
  let result: Admission | 'waiting' = 'waiting';
  admission.admit(retry, (a) => (result = a));
  return result;
}

test('Should admit HTTP/1.1 requests up to maxConnections, queue up to maxPendingRequests, and refuse the rest', () => {
  const l = limits(1, 1);
  const admission = new RequestAdmission(createCircuitBreaker(l), l, () => true);
  const first = admitNow(admission);
  assert.ok(first !== 'waiting' && first.admitted, 'the first request gets the connection');
  let queued: Admission | undefined;
  admission.admit(false, (a) => (queued = a));
  assert.equal(queued, undefined, 'the second request waits for the connection');
  assert.equal(admission.pending, 1);
  const third = admitNow(admission);
  assert.ok(third !== 'waiting' && !third.admitted, 'the third overflows: 503 UO');
  first.release();
  assert.ok((queued as Admission | undefined)?.admitted, 'the waiting request is admitted when the connection frees');
  assert.equal(admission.pending, 0);
});

test('Should not hold HTTP/2 requests to the connection limit, only to maxRequests', () => {
  const l = limits(1, 0, 2);
  const admission = new RequestAdmission(createCircuitBreaker(l), l, () => false);
  const a = admitNow(admission);
  const b = admitNow(admission);
  const c = admitNow(admission);
  assert.ok(a !== 'waiting' && a.admitted && b !== 'waiting' && b.admitted, 'two streams share one connection');
  assert.ok(c !== 'waiting' && !c.admitted, 'the third exceeds maxRequests');
});

test('Should refuse a retry when the retry budget is spent, and give the budget back on release', () => {
  const l = limits(10, 10, 10, 1);
  const admission = new RequestAdmission(createCircuitBreaker(l), l, () => true);
  const retry = admitNow(admission, true);
  assert.ok(retry !== 'waiting' && retry.admitted);
  const second = admitNow(admission, true);
  assert.ok(second !== 'waiting' && !second.admitted, 'maxRetries 1 allows one retry in flight');
  retry.release();
  retry.release();
  const third = admitNow(admission, true);
  assert.ok(third !== 'waiting' && third.admitted, 'a double release frees the slot once, and the budget is back');
});
