import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCircuitBreaker } from './circuit-breaker.js';

const limits = { maxConnections: 1, maxPendingRequests: 2, maxRequests: 3, maxRetries: 1 };

describe('CircuitBreaker', () => {
  it('Should refuse beyond each limit and count the overflow under its Envoy name', () => {
    const cb = createCircuitBreaker(limits);
    assert.equal(cb.tryAcquire('connections'), true);
    assert.equal(cb.tryAcquire('connections'), false);
    assert.equal(cb.tryAcquire('pending'), true);
    assert.equal(cb.tryAcquire('pending'), true);
    assert.equal(cb.tryAcquire('pending'), false);
    assert.equal(cb.tryAcquire('retries'), true);
    assert.equal(cb.tryAcquire('retries'), false);
    for (let i = 0; i < 3; i++) assert.equal(cb.tryAcquire('requests'), true);
    assert.equal(cb.tryAcquire('requests'), false);
    assert.deepEqual(cb.overflow, {
      upstream_cx_overflow: 1,
      upstream_rq_pending_overflow: 1,
      upstream_rq_retry_overflow: 1,
      upstream_rq_overflow: 1,
    });
  });

  it('Should admit again after a release and report what remains', () => {
    const cb = createCircuitBreaker(limits);
    assert.equal(cb.remaining('pending'), 2);
    cb.tryAcquire('pending');
    cb.tryAcquire('pending');
    assert.equal(cb.remaining('pending'), 0);
    assert.equal(cb.isOpen('pending'), true);
    cb.release('pending');
    assert.equal(cb.remaining('pending'), 1);
    assert.equal(cb.isOpen('pending'), false);
    assert.equal(cb.tryAcquire('pending'), true);
  });

  it('Should treat a release without an acquire as a bug', () => {
    const cb = createCircuitBreaker(limits);
    assert.throws(() => cb.release('requests'), /without acquire/);
  });

  it("Should admit practically everything with Istio's default limits", () => {
    const max = 2 ** 32 - 1;
    const cb = createCircuitBreaker({ maxConnections: max, maxPendingRequests: max, maxRequests: max, maxRetries: max });
    for (let i = 0; i < 10_000; i++) assert.equal(cb.tryAcquire('requests'), true);
    assert.equal(cb.remaining('requests'), max - 10_000);
  });
});
