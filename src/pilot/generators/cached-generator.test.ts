import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_TYPE } from '../../xds/index.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import { cachedByView, proxyViewKey } from './cached-generator.js';
import type { Generator } from './generator.js';

const proxy = (id: string, namespace: string, labels: Record<string, string>) =>
  ({ id, type: 'sidecar', generator: 'envoy', namespace, labels, workloadPorts: [{ name: 'http', port: 8080 }], ipAddresses: ['10.0.0.1'], interceptionMode: 'NONE' }) as unknown as Proxy;

function counting(): Generator & { calls: number } {
  const g = {
    typeUrl: CLUSTER_TYPE,
    calls: 0,
    generate(p: Proxy) {
      g.calls++;
      return [{ name: `${p.namespace}-${g.calls}`, resource: { type_url: CLUSTER_TYPE, value: Buffer.alloc(0) }, message: {} }];
    },
  };
  return g as Generator & { calls: number };
}

test('Should build once for proxies with the same view in one push', () => {
  const inner = counting();
  const cached = cachedByView(inner);
  const push = { version: '1' } as PushContext;
  const a = cached.generate(proxy('a', 'default', { app: 'x', version: 'v1' }), push, undefined);
  const b = cached.generate(proxy('b', 'default', { version: 'v1', app: 'x' }), push, undefined);
  assert.equal(inner.calls, 1);
  assert.equal(a, b);
});

test('Should build again for another namespace, other labels, other names or a new push', () => {
  const inner = counting();
  const cached = cachedByView(inner);
  const push = { version: '1' } as PushContext;
  cached.generate(proxy('a', 'default', { app: 'x' }), push, undefined);
  cached.generate(proxy('b', 'prod', { app: 'x' }), push, undefined);
  cached.generate(proxy('c', 'default', { app: 'y' }), push, undefined);
  cached.generate(proxy('a', 'default', { app: 'x' }), push, ['outbound|80||a']);
  cached.generate(proxy('a', 'default', { app: 'x' }), { version: '2' } as PushContext, undefined);
  assert.equal(inner.calls, 5);
});

test('Should key a view by kind, namespace, sorted labels, workload ports, IP family and interception mode', () => {
  assert.equal(proxyViewKey(proxy('a', 'ns', { b: '2', a: '1' })), 'envoy|sidecar|ns|a=1,b=2|http:8080|v4|NONE');
});

test('Should answer the same names asked in another order from the cache, and other names anew', () => {
  const inner = counting();
  const cached = cachedByView(inner);
  const push = { version: '1' } as PushContext;
  const a = cached.generate(proxy('a', 'default', { app: 'x' }), push, ['outbound|80||a', 'outbound|80||b']);
  assert.equal(cached.generate(proxy('b', 'default', { app: 'x' }), push, ['outbound|80||a', 'outbound|80||b']), a);
  assert.equal(cached.generate(proxy('c', 'default', { app: 'x' }), push, ['outbound|80||b', 'outbound|80||a']), a);
  assert.equal(inner.calls, 1);
  cached.generate(proxy('d', 'default', { app: 'x' }), push, ['outbound|80||a', 'outbound|80||c']);
  cached.generate(proxy('e', 'default', { app: 'x' }), push, ['outbound|80||a']);
  cached.generate(proxy('f', 'default', { app: 'x' }), push, undefined);
  assert.equal(inner.calls, 4);
  cached.generate(proxy('g', 'default', { app: 'x' }), push, undefined);
  assert.equal(inner.calls, 4, 'a wildcard request matches the earlier wildcard answer');
});
