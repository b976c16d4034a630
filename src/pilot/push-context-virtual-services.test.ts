import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MESH_CONFIG } from './model/mesh-config.js';
import type { PushContext, VirtualService } from './model/push-context.js';
import { createPushContext } from './push-context.js';
import { buildConfigRegistry } from './registry/config-registry.js';
import { resolveGatewayName } from './push-context-vs-resolve.js';
import { proxyOf, snapshotOf } from './registry/testing.js';

function pushOf(yaml: string): PushContext {
  const config = snapshotOf(yaml);
  return createPushContext({ version: '1', mesh: DEFAULT_MESH_CONFIG, config, registry: buildConfigRegistry(config) });
}

function vs(name: string, ns: string, body: string): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
${body}
`;
}

const names = (list: readonly VirtualService[]) => list.map((v) => `${v.metadata.namespace}/${v.metadata.name}`);

test('Should bind VirtualServices without gateways, or listing mesh, to the mesh, and others to their resolved gateways', () => {
  const push = pushOf(
    [
      vs('plain', 'default', '  hosts: [a]\n  http: [{route: [{destination: {host: a}}]}]'),
      vs('both', 'default', '  hosts: [b]\n  gateways: [mesh, web]\n  http: [{route: [{destination: {host: b}}]}]'),
      vs('edge', 'default', '  hosts: [c.example.com]\n  gateways: [istio-system/public]\n  http: [{route: [{destination: {host: c}}]}]'),
    ].join('---'),
  );
  const proxy = proxyOf();
  assert.deepEqual(names(push.virtualServicesFor(proxy, 'mesh')), ['default/both', 'default/plain']);
  assert.deepEqual(names(push.virtualServicesFor(proxy, 'default/web')), ['default/both']);
  assert.deepEqual(names(push.virtualServicesFor(proxy, 'istio-system/public')), ['default/edge']);
  assert.deepEqual(push.virtualServicesFor(proxy, 'web'), []);
});

test('Should resolve hosts, destinations, mirrors and match gateways in the VirtualService namespace', () => {
  const push = pushOf(
    vs(
      'r',
      'shop',
      `  hosts: [reviews]
  gateways: [mesh, edge]
  http:
  - match: [{gateways: [edge]}]
    mirror: {host: shadow}
    route: [{destination: {host: reviews, subset: v1}}]
  tcp:
  - route: [{destination: {host: db.data.svc}}]`,
    ),
  );
  const [resolved] = push.virtualServicesFor(proxyOf({ namespace: 'shop' }), 'mesh');
  assert.deepEqual(resolved?.spec.hosts, ['reviews.shop.svc.cluster.local']);
  assert.deepEqual(resolved?.spec.gateways, ['mesh', 'shop/edge']);
  const http = resolved?.spec.http?.[0];
  assert.deepEqual(http?.match?.[0]?.gateways, ['shop/edge']);
  assert.equal(http?.mirror?.host, 'shadow.shop.svc.cluster.local');
  assert.deepEqual(http?.route?.[0]?.destination, { host: 'reviews.shop.svc.cluster.local', subset: 'v1' });
  assert.equal(resolved?.spec.tcp?.[0]?.route?.[0]?.destination?.host, 'db.data.svc.cluster.local');
});

test('Should show a VirtualService only to the namespaces it is exported to', () => {
  const push = pushOf(
    [
      vs('private', 'a', "  hosts: [x.example.com]\n  exportTo: ['.']\n  http: [{route: [{destination: {host: x.example.com}}]}]"),
      vs('to-b', 'a', '  hosts: [y.example.com]\n  exportTo: [b]\n  http: [{route: [{destination: {host: y.example.com}}]}]'),
    ].join('---'),
  );
  assert.deepEqual(names(push.virtualServicesFor(proxyOf({ namespace: 'a' }), 'mesh')), ['a/private']);
  assert.deepEqual(names(push.virtualServicesFor(proxyOf({ namespace: 'b' }), 'mesh')), ['a/to-b']);
  assert.deepEqual(push.virtualServicesFor(proxyOf({ namespace: 'c' }), 'mesh'), []);
});

test('Should give a sidecar only the mesh VirtualServices whose hosts its Sidecar imports', () => {
  const push = pushOf(
    [
      vs('a', 'default', '  hosts: [a.example.com]\n  http: [{route: [{destination: {host: a.example.com}}]}]'),
      vs('b', 'other', '  hosts: [b.example.com]\n  http: [{route: [{destination: {host: b.example.com}}]}]'),
      `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress: [{hosts: ["./*"]}]
`,
    ].join('---'),
  );
  assert.deepEqual(names(push.virtualServicesFor(proxyOf(), 'mesh')), ['default/a']);
  assert.deepEqual(names(push.virtualServicesFor(proxyOf({ type: 'router' }), 'mesh')), ['default/a', 'other/b']);
});

const ROOT = vs(
  'root',
  'default',
  `  hosts: [shop.example.com]
  http:
  - name: reviews
    match: [{uri: {prefix: /reviews}}]
    timeout: 5s
    delegate: {name: reviews-routes, namespace: team}
  - name: rest
    route: [{destination: {host: web}}]`,
);

test('Should merge a delegate into its parent, combining their matches and inheriting the parent route settings', () => {
  const delegate = vs(
    'reviews-routes',
    'team',
    `  http:
  - name: v2
    match: [{uri: {prefix: /reviews/v2}, headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route: [{destination: {host: reviews, subset: v1}}]
    timeout: 1s`,
  );
  const push = pushOf(`${ROOT}---${delegate}`);
  const merged = push.virtualServicesFor(proxyOf(), 'mesh');
  assert.deepEqual(names(merged), ['default/root']);
  const http = merged[0]?.spec.http ?? [];
  assert.deepEqual(http.map((r) => r.name), ['reviews-v2', 'reviews', 'rest']);
  assert.deepEqual(http[0]?.match, [{ uri: { prefix: '/reviews/v2' }, headers: { 'end-user': { exact: 'jason' } } }]);
  assert.equal(http[0]?.timeout, '5s');
  assert.deepEqual(http[0]?.route?.[0]?.destination, { host: 'reviews.team.svc.cluster.local', subset: 'v2' });
  assert.deepEqual(http[1]?.match, [{ uri: { prefix: '/reviews' } }]);
  assert.equal(http[1]?.timeout, '1s');
  assert.equal(http[1]?.delegate, undefined);
});

test('Should drop delegate routes whose matches conflict with the parent, and routes to missing or unexported delegates', () => {
  const conflicting = vs(
    'reviews-routes',
    'team',
    `  http:
  - match: [{uri: {prefix: /ratings}}]
    route: [{destination: {host: ratings}}]
  - match: [{uri: {regex: "/reviews/.*"}}]
    route: [{destination: {host: reviews}}]
  - match: [{uri: {exact: /reviews/x}}]
    route: [{destination: {host: reviews, subset: x}}]`,
  );
  const http = pushOf(`${ROOT}---${conflicting}`).virtualServicesFor(proxyOf(), 'mesh')[0]?.spec.http ?? [];
  assert.deepEqual(http.map((r) => r.match?.[0]?.uri), [{ exact: '/reviews/x' }, undefined]);
  assert.deepEqual(names(pushOf(ROOT).virtualServicesFor(proxyOf(), 'mesh')), ['default/root']);
  assert.deepEqual(pushOf(ROOT).virtualServicesFor(proxyOf(), 'mesh')[0]?.spec.http?.map((r) => r.name), ['rest']);
  const hidden = `${conflicting.replace('  http:', "  exportTo: ['.']\n  http:")}`;
  assert.deepEqual(pushOf(`${ROOT}---${hidden}`).virtualServicesFor(proxyOf(), 'mesh')[0]?.spec.http?.map((r) => r.name), ['rest']);
});

test('Should resolve gateway references written as name, ./name, ns/name and the older name.ns.svc.cluster.local', () => {
  assert.equal(resolveGatewayName('web', 'shop'), 'shop/web');
  assert.equal(resolveGatewayName('./web', 'shop'), 'shop/web');
  assert.equal(resolveGatewayName('istio-system/public', 'shop'), 'istio-system/public');
  assert.equal(resolveGatewayName('public.istio-system.svc.cluster.local', 'shop'), 'istio-system/public');
  assert.equal(resolveGatewayName('mesh', 'shop'), 'mesh');
});
