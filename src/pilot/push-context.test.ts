import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MESH_CONFIG } from './model/mesh-config.js';
import type { PushContext } from './model/push-context.js';
import { createPushContext } from './push-context.js';
import { buildConfigRegistry } from './registry/config-registry.js';
import { createManualTimers, proxyOf, snapshotOf } from './registry/testing.js';
import { createWorkloadRegistry } from './registry/workload-registry.js';

/** A ServiceEntry for `host` in `ns`, with extra spec lines. */
function se(name: string, ns: string, host: string, extra = ''): string {
  return `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [${host}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: http, number: 80, protocol: HTTP}, {name: grpc, number: 90, protocol: GRPC}]
  endpoints: [{address: 10.0.0.1}]
${extra}
`;
}

const WILDCARD = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: wild, namespace: z}
spec:
  hosts: ["*.wild.com"]
  resolution: NONE
  ports: [{name: http, number: 80, protocol: HTTP}]
`;

function sidecar(name: string, ns: string, hosts: string[], extra = ''): string {
  return `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ${name}, namespace: ${ns}}
spec:
${extra}
  egress:
  - hosts: [${hosts.map((h) => `"${h}"`).join(', ')}]
`;
}

function pushOf(yaml: string): PushContext {
  const config = snapshotOf(yaml);
  return createPushContext({ version: '1', mesh: DEFAULT_MESH_CONFIG, config, registry: buildConfigRegistry(config) });
}

const hostsOf = (push: PushContext, proxy = proxyOf()) => push.servicesFor(proxy).map((s) => `${s.hostname}@${s.namespace}`);

test('Should show a proxy the services exported to its namespace by *, by name and by .', () => {
  const push = pushOf(
    [
      se('public', 'a', 'public.example.com'),
      se('private', 'a', 'private.example.com', "  exportTo: ['.']"),
      se('to-b', 'a', 'to-b.example.com', '  exportTo: [b]'),
      se('hidden', 'a', 'hidden.example.com', "  exportTo: ['~']"),
    ].join('---'),
  );
  assert.deepEqual(hostsOf(push, proxyOf({ namespace: 'a' })), ['private.example.com@a', 'public.example.com@a']);
  assert.deepEqual(hostsOf(push, proxyOf({ namespace: 'b' })), ['public.example.com@a', 'to-b.example.com@a']);
  assert.deepEqual(hostsOf(push, proxyOf({ namespace: 'c' })), ['public.example.com@a']);
});

test('Should show one service per host, the one of the proxy namespace first', () => {
  const push = pushOf([se('api', 'a', 'api.example.com'), se('api', 'b', 'api.example.com')].join('---'));
  assert.deepEqual(hostsOf(push, proxyOf({ namespace: 'b' })), ['api.example.com@b']);
  assert.deepEqual(hostsOf(push, proxyOf({ namespace: 'c' })), ['api.example.com@a']);
  assert.equal(push.service('api.example.com', 'b')?.namespace, 'b');
  assert.equal(push.service('api.example.com')?.namespace, 'a');
  assert.equal(push.service('nothing.example.com'), undefined);
});

test('Should narrow services to a Sidecar egress of ./* and named namespaces', () => {
  const push = pushOf(
    [
      se('own', 'default', 'own'),
      se('shared', 'istio-system', 'shared.example.com'),
      se('other', 'other', 'other.example.com'),
      sidecar('default', 'default', ['./*', 'istio-system/*']),
    ].join('---'),
  );
  assert.deepEqual(hostsOf(push), ['own.default.svc.cluster.local@default', 'shared.example.com@istio-system']);
});

test('Should import exact and wildcard hosts from any namespace with */host, and nothing with ~/*', () => {
  const yaml = [
    se('a', 'x', 'a.example.com'),
    se('b', 'y', 'b.example.com'),
    se('c', 'y', 'c.other.com'),
    WILDCARD,
  ].join('---');
  const push = pushOf(`${yaml}---${sidecar('s', 'default', ['*/a.example.com', '*/*.other.com', '*/api.wild.com'])}`);
  assert.deepEqual(hostsOf(push), ['a.example.com@x', 'api.wild.com@z', 'c.other.com@y']);
  const none = pushOf(`${yaml}---${sidecar('s', 'default', ['~/*'])}`);
  assert.deepEqual(hostsOf(none), []);
});

test('Should apply the Sidecar whose selector matches, else the namespace one, else the root namespace one', () => {
  const push = pushOf(
    [
      se('a', 'default', 'a.example.com'),
      se('b', 'default', 'b.example.com'),
      se('c', 'default', 'c.example.com'),
      sidecar('for-v2', 'default', ['*/a.example.com'], '  workloadSelector: {labels: {version: v2}}'),
      sidecar('default', 'default', ['*/b.example.com']),
      sidecar('default', 'istio-system', ['*/c.example.com']),
    ].join('---'),
  );
  assert.deepEqual(hostsOf(push, proxyOf({ labels: { version: 'v2' } })), ['a.example.com@default']);
  assert.deepEqual(hostsOf(push, proxyOf({ labels: { version: 'v1' } })), ['b.example.com@default']);
  assert.deepEqual(hostsOf(push, proxyOf({ namespace: 'prod' })), ['c.example.com@default']);
});

test('Should read . in a root namespace Sidecar as the namespace of the proxy', () => {
  const push = pushOf(
    [se('a', 'prod', 'a.example.com'), se('b', 'dev', 'b.example.com'), sidecar('default', 'istio-system', ['./*'])].join('---'),
  );
  assert.deepEqual(hostsOf(push, proxyOf({ namespace: 'prod' })), ['a.example.com@prod']);
  assert.deepEqual(hostsOf(push, proxyOf({ namespace: 'dev' })), ['b.example.com@dev']);
});

test('Should import only the port of an egress listener that names one', () => {
  const push = pushOf(
    `${se('a', 'default', 'a.example.com')}---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress:
  - port: {number: 90, protocol: GRPC, name: grpc}
    hosts: ["*/*"]
`,
  );
  assert.deepEqual(push.servicesFor(proxyOf())[0]?.ports.map((p) => p.port), [90]);
});

test('Should not scope gateways by Sidecar resources', () => {
  const push = pushOf([se('a', 'default', 'a.example.com'), sidecar('default', 'istio-system', ['~/*'])].join('---'));
  assert.deepEqual(hostsOf(push, proxyOf({ type: 'router', namespace: 'istio-system' })), ['a.example.com@default']);
  assert.deepEqual(hostsOf(push), []);
});

test('Should find the Gateways whose selector matches the proxy labels in any namespace', () => {
  const gateway = (name: string, ns: string, selector: string) => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: ${selector}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
`;
  const push = pushOf(
    [gateway('public', 'istio-system', '{istio: ingressgateway}'), gateway('shop', 'shop', '{istio: ingressgateway}'), gateway('egress', 'istio-system', '{istio: egressgateway}')].join('---'),
  );
  const ingress = proxyOf({ type: 'router', namespace: 'istio-system', labels: { istio: 'ingressgateway', app: 'x' } });
  assert.deepEqual(push.gatewaysFor(ingress).map((g) => `${g.metadata.namespace}/${g.metadata.name}`), ['istio-system/public', 'shop/shop']);
  assert.deepEqual(push.gatewaysFor(proxyOf()), []);
});

test('Should read endpoints live from the registry, so an endpoint-only change needs no new push context', () => {
  const registry = createWorkloadRegistry({ timers: createManualTimers() });
  const push = createPushContext({ version: '1', mesh: DEFAULT_MESH_CONFIG, config: snapshotOf(se('a', 'default', 'a.example.com')), registry });
  assert.deepEqual(push.endpoints('web.default.svc.cluster.local', 80), []);
  registry.register(proxyOf({ labels: { app: 'web' }, workloadPorts: [{ name: 'http', port: 80 }] }));
  assert.equal(push.endpoints('web.default.svc.cluster.local', 80).length, 1);
  assert.equal(push.version, '1');
  assert.equal(push.mesh.rootNamespace, 'istio-system');
});
