import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SocketAddress } from '../listener/connection-handler.js';
import { DestinationCache } from './destination-cache.js';

/** A lookup that counts its calls and answers `config:<address>:<port>` except for port 9999. */
function source() {
  const state = { generation: 1, calls: 0 };
  const lookup = (d: SocketAddress): string | undefined => {
    state.calls++;
    return d.port === 9999 ? undefined : `config:${d.address}:${d.port}:g${state.generation}`;
  };
  return { state, lookup: { generation: () => state.generation, lookup } };
}

test('Should look a destination up once while the generation holds', () => {
  const { state, lookup } = source();
  const cache = new DestinationCache(lookup);
  assert.equal(cache.get({ address: '10.0.0.1', port: 9080 }), 'config:10.0.0.1:9080:g1');
  assert.equal(cache.get({ address: '10.0.0.1', port: 9080 }), 'config:10.0.0.1:9080:g1');
  assert.equal(cache.get({ address: '10.0.0.2', port: 9080 }), 'config:10.0.0.2:9080:g1');
  assert.equal(cache.get({ address: '10.0.0.1', port: 9081 }), 'config:10.0.0.1:9081:g1');
  assert.equal(state.calls, 3);
});

test('Should remember a destination that has no answer', () => {
  const { state, lookup } = source();
  const cache = new DestinationCache(lookup);
  assert.equal(cache.get({ address: '10.0.0.1', port: 9999 }), undefined);
  assert.equal(cache.get({ address: '10.0.0.1', port: 9999 }), undefined);
  assert.equal(state.calls, 1);
});

test('Should look every destination up again once the generation changes', () => {
  const { state, lookup } = source();
  const cache = new DestinationCache(lookup);
  cache.get({ address: '10.0.0.1', port: 9080 });
  cache.get({ address: '10.0.0.1', port: 9999 });
  state.generation = 2;
  assert.equal(cache.get({ address: '10.0.0.1', port: 9080 }), 'config:10.0.0.1:9080:g2');
  assert.equal(cache.get({ address: '10.0.0.1', port: 9999 }), undefined);
  assert.equal(state.calls, 4);
});

test('Should start over rather than grow past its bound', () => {
  const { state, lookup } = source();
  const cache = new DestinationCache(lookup, 2);
  cache.get({ address: '10.0.0.1', port: 1 });
  cache.get({ address: '10.0.0.2', port: 1 });
  // The third destination empties the cache, so the first is looked up again.
  cache.get({ address: '10.0.0.3', port: 1 });
  cache.get({ address: '10.0.0.3', port: 1 });
  assert.equal(state.calls, 3);
  cache.get({ address: '10.0.0.1', port: 1 });
  assert.equal(state.calls, 4);
});

test('Should not read the generation before the first lookup', () => {
  let ready = false;
  const cache = new DestinationCache({
    generation: () => {
      assert.ok(ready, 'generation read too early');
      return 0;
    },
    lookup: () => 'x',
  });
  ready = true;
  assert.equal(cache.get({ address: '10.0.0.1', port: 1 }), 'x');
});
