import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MetricKeyCache } from './metric-key-cache.js';
import { httpEvent, tcpEvent, REVIEWS } from './test-events.js';

describe('MetricKeyCache', () => {
  it('Should find a value by equal fields even through new peer objects', () => {
    const cache = new MetricKeyCache<string>();
    cache.set(httpEvent(), 200, undefined, 'a');
    assert.equal(cache.get(httpEvent({ destination: { ...REVIEWS } }), 200, undefined), 'a');
    assert.equal(cache.get(httpEvent(), 201, undefined), undefined);
    assert.equal(cache.get(httpEvent(), 200, '0'), undefined);
    assert.equal(cache.get(tcpEvent(), 0, undefined), undefined);
  });

  it('Should start over when full, and stay correct afterwards', () => {
    const cache = new MetricKeyCache<number>(3);
    for (let code = 200; code < 205; code++) cache.set(httpEvent(), code, undefined, code);
    assert.equal(cache.get(httpEvent(), 200, undefined), undefined, 'forgotten when the cache started over');
    assert.equal(cache.get(httpEvent(), 204, undefined), 204);
    cache.set(httpEvent({ source: REVIEWS, destination: REVIEWS }), 200, undefined, 1);
    assert.equal(cache.get(httpEvent(), 200, undefined), undefined, 'a peer id from before the reset is not confused with a new one');
  });
});
