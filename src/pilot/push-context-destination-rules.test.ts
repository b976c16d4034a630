import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MESH_CONFIG } from './model/mesh-config.js';
import type { PushContext } from './model/push-context.js';
import { createPushContext } from './push-context.js';
import { buildConfigRegistry } from './registry/config-registry.js';
import { proxyOf, snapshotOf } from './registry/testing.js';

function pushOf(...docs: string[]): PushContext {
  const config = snapshotOf(docs.join('---'));
  return createPushContext({ version: '1', mesh: DEFAULT_MESH_CONFIG, config, registry: buildConfigRegistry(config) });
}

function dr(name: string, ns: string, host: string, extra = ''): string {
  return `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}}
spec:
  host: "${host}"
${extra}
`;
}

const REVIEWS_SE = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: http, number: 9080, protocol: HTTP}]
  endpoints: [{address: 10.0.0.1}]
`;
const HOST = 'reviews.bookinfo.svc.cluster.local';
const nameOf = (push: PushContext, ns: string, host = HOST, labels: Record<string, string> = {}) => {
  const rule = push.destinationRuleFor(proxyOf({ namespace: ns, labels }), host);
  return rule ? `${rule.metadata.namespace}/${rule.metadata.name}` : undefined;
};

test('Should prefer the proxy namespace rule, then the service namespace rule, then the root namespace rule', () => {
  const all = pushOf(REVIEWS_SE, dr('client', 'frontend', HOST), dr('owner', 'bookinfo', 'reviews'), dr('mesh', 'istio-system', '*.svc.cluster.local'));
  assert.equal(nameOf(all, 'frontend'), 'frontend/client');
  assert.equal(nameOf(all, 'other'), 'bookinfo/owner');
  assert.equal(nameOf(all, 'bookinfo'), 'bookinfo/owner');
  const rootOnly = pushOf(REVIEWS_SE, dr('mesh', 'istio-system', '*.svc.cluster.local'));
  assert.equal(nameOf(rootOnly, 'frontend'), 'istio-system/mesh');
  assert.equal(nameOf(pushOf(REVIEWS_SE), 'frontend'), undefined);
});

test('Should take the exact host before the most specific wildcard within a namespace', () => {
  const push = pushOf(
    REVIEWS_SE,
    dr('all', 'bookinfo', '*'),
    dr('local', 'bookinfo', '*.svc.cluster.local'),
    dr('ns', 'bookinfo', '*.bookinfo.svc.cluster.local'),
    dr('exact', 'bookinfo', 'reviews.bookinfo.svc.cluster.local'),
  );
  assert.equal(nameOf(push, 'bookinfo'), 'bookinfo/exact');
  assert.equal(nameOf(push, 'bookinfo', 'ratings.bookinfo.svc.cluster.local'), 'bookinfo/ns');
  assert.equal(nameOf(push, 'bookinfo', 'ratings.prod.svc.cluster.local'), 'bookinfo/local');
  assert.equal(nameOf(push, 'bookinfo', 'api.example.com'), 'bookinfo/all');
});

test('Should respect exportTo: a private rule of the service namespace does not reach other namespaces', () => {
  const push = pushOf(
    REVIEWS_SE,
    dr('private', 'bookinfo', 'reviews', "  exportTo: ['.']"),
    dr('to-frontend', 'istio-system', HOST, '  exportTo: [frontend]'),
    dr('catch-all', 'istio-system', '*'),
  );
  assert.equal(nameOf(push, 'bookinfo'), 'bookinfo/private');
  assert.equal(nameOf(push, 'frontend'), 'istio-system/to-frontend');
  assert.equal(nameOf(push, 'other'), 'istio-system/catch-all');
});

test('Should use a namespace-private rule of the root namespace for proxies in the root namespace', () => {
  const push = pushOf(REVIEWS_SE, dr('gw', 'istio-system', HOST, "  exportTo: ['.']"));
  assert.equal(nameOf(push, 'istio-system'), 'istio-system/gw');
  assert.equal(nameOf(push, 'frontend'), undefined);
});

test('Should merge two rules for one host in one namespace: subsets added, the first traffic policy kept', () => {
  const push = pushOf(
    REVIEWS_SE,
    dr('a', 'bookinfo', 'reviews', '  subsets: [{name: v1, labels: {version: v1}}]'),
    dr('b', 'bookinfo', 'reviews', `  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
  subsets: [{name: v1, labels: {version: other}}, {name: v2, labels: {version: v2}}]`),
  );
  const rule = push.destinationRuleFor(proxyOf({ namespace: 'bookinfo' }), HOST);
  assert.equal(rule?.metadata.name, 'a');
  assert.deepEqual(rule?.spec.subsets?.map((s) => [s.name, s.labels?.['version']]), [['v1', 'v1'], ['v2', 'v2']]);
  assert.deepEqual(rule?.spec.trafficPolicy, { loadBalancer: { simple: 'ROUND_ROBIN' } });
});

test('Should apply a rule with a workloadSelector only to matching proxies of its namespace, before the catch-all', () => {
  const push = pushOf(
    REVIEWS_SE,
    dr('catch-all', 'frontend', HOST),
    dr('canary', 'frontend', HOST, '  workloadSelector: {matchLabels: {track: canary}}'),
    dr('elsewhere', 'bookinfo', HOST, '  workloadSelector: {matchLabels: {track: canary}}'),
  );
  assert.equal(nameOf(push, 'frontend', HOST, { track: 'canary' }), 'frontend/canary');
  assert.equal(nameOf(push, 'frontend', HOST, { track: 'stable' }), 'frontend/catch-all');
  assert.equal(nameOf(push, 'other', HOST, { track: 'canary' }), undefined);
});
