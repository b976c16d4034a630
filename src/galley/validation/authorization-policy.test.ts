import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';
import { assertProblems, securityResource } from './testing-security.js';

/** An AuthorizationPolicy named `test` whose spec is the indented block `spec`. */
function authorizationPolicy(spec: string, namespace = 'foo'): string {
  return securityResource('AuthorizationPolicy', spec, { namespace });
}

// Valid policies.

test('Should accept an allow-nothing policy with an empty spec', () => {
  assert.deepEqual(problemsOf(authorizationPolicy('{}')), []);
});

test('Should accept an allow-all policy with one empty rule', () => {
  assert.deepEqual(problemsOf(authorizationPolicy(`
    rules:
    - {}
  `)), []);
});

test('Should accept the bookinfo policy that lets the ingress gateway GET productpage', () => {
  const yaml = authorizationPolicy(`
    selector:
      matchLabels:
        app: productpage
    action: ALLOW
    rules:
    - from:
      - source:
          principals: ["cluster.local/ns/default/sa/bookinfo-gateway"]
      to:
      - operation:
          methods: ["GET"]
  `, 'default');
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept a DENY policy with notPrincipals, warning that its HTTP-only operation denies TCP traffic', () => {
  const yaml = authorizationPolicy(`
    selector:
      matchLabels:
        app: httpbin
        version: v1
    action: DENY
    rules:
    - from:
      - source:
          notPrincipals: ["cluster.local/ns/default/sa/sleep"]
      to:
      - operation:
          methods: ["POST"]
  `);
  assert.deepEqual(errorsOf(yaml), []);
  assertProblems(problemsOf(yaml), [['warning: spec.rules[0]', 'denies all traffic to TCP ports']]);
});

test('Should accept a DENY policy on TCP attributes without a warning', () => {
  const yaml = authorizationPolicy(`
    action: DENY
    rules:
    - from:
      - source:
          notNamespaces: ["foo"]
    - to:
      - operation:
          ports: ["3306"]
          paths: ["/admin/*"]
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept a policy that requires a request principal', () => {
  const yaml = authorizationPolicy(`
    selector:
      matchLabels:
        app: httpbin
    action: ALLOW
    rules:
    - from:
      - source:
          requestPrincipals: ["*"]
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept every match form: exact, prefix, suffix, presence, IP blocks and path templates', () => {
  const yaml = authorizationPolicy(`
    selector:
      matchLabels:
        app: httpbin
    rules:
    - from:
      - source:
          principals: ["cluster.local/ns/a/sa/b", "cluster.local/ns/a/*", "*/sa/b", "*"]
          requestPrincipals: ["issuer/subject", "issuer/*"]
          namespaces: ["prod", "prod-*", "*-prod"]
          ipBlocks: ["10.0.0.1", "10.1.0.0/16", "2001:db8::/32"]
          notRemoteIpBlocks: ["192.168.0.0/24"]
      - source:
          serviceAccounts: ["default/sleep", "sleep"]
      to:
      - operation:
          hosts: ["example.com", "*.example.com", "example.*", "*"]
          ports: ["80", "65535"]
          methods: ["GET", "POST"]
          paths: ["/exact", "/prefix/*", "*/suffix", "*", "/api/{*}/items", "/static/{**}"]
          notPaths: ["/{**}/admin"]
      when:
      - key: request.headers[x-tenant]
        values: ["acme", "acme-*"]
      - key: source.ip
        notValues: ["10.10.0.0/16"]
      - key: request.auth.claims[groups]
        values: ["admins"]
      - key: request.auth.claims[realm][role]
        values: ["*"]
      - key: destination.port
        values: ["8080"]
      - key: connection.sni
        values: ["*.example.com"]
      - key: experimental.envoy.filters.network.mysql_proxy[db.table]
        values: ["[update]"]
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept a CUSTOM policy with a provider and rules', () => {
  const yaml = authorizationPolicy(`
    selector:
      matchLabels:
        istio: ingressgateway
    action: CUSTOM
    provider:
      name: my-ext-authz
    rules:
    - to:
      - operation:
          paths: ["/admin/*"]
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept an AUDIT policy and a policy that targets a Gateway', () => {
  const yaml = authorizationPolicy(`
    action: AUDIT
    targetRefs:
    - kind: Gateway
      group: gateway.networking.k8s.io
      name: waypoint
    rules:
    - to:
      - operation:
          methods: ["DELETE"]
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

// Action and provider.

test('Should reject a CUSTOM AuthorizationPolicy without a provider', () => {
  const yaml = authorizationPolicy(`
    action: CUSTOM
    rules:
    - {}
  `);
  assertProblems(errorsOf(yaml), [['spec.provider', 'needs provider.name']]);
});

test('Should reject a CUSTOM AuthorizationPolicy whose provider has no name', () => {
  const yaml = authorizationPolicy(`
    action: CUSTOM
    provider: {}
    rules:
    - {}
  `);
  assertProblems(errorsOf(yaml), [['spec.provider.name', 'needs provider.name']]);
});

test('Should reject a CUSTOM AuthorizationPolicy without rules', () => {
  const yaml = authorizationPolicy(`
    action: CUSTOM
    provider:
      name: ext
  `);
  assertProblems(errorsOf(yaml), [['spec.rules', 'never applies']]);
});

test('Should reject a provider on an ALLOW policy', () => {
  const yaml = authorizationPolicy(`
    action: ALLOW
    provider:
      name: ext
    rules:
    - {}
  `);
  assertProblems(errorsOf(yaml), [['spec.provider', 'only allowed with the CUSTOM action']]);
});

test('Should reject a DENY policy without rules', () => {
  assertProblems(errorsOf(authorizationPolicy('action: DENY')), [['spec.rules', 'never applies']]);
});

test('Should reject identity fields and request.auth conditions in a CUSTOM policy', () => {
  const yaml = authorizationPolicy(`
    action: CUSTOM
    provider:
      name: ext
    rules:
    - from:
      - source:
          principals: ["cluster.local/ns/a/sa/b"]
          ipBlocks: ["10.0.0.0/8"]
      when:
      - key: request.auth.claims[iss]
        values: ["https://issuer"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].from[0].source.principals', 'not supported with the CUSTOM action'],
    ['spec.rules[0].when[0].key', 'not supported with the CUSTOM action'],
  ]);
});

// Targets.

test('Should reject a selector together with a targetRef', () => {
  const yaml = authorizationPolicy(`
    selector:
      matchLabels:
        app: foo
    targetRef:
      kind: Service
      name: foo
  `);
  assertProblems(errorsOf(yaml), [['spec.targetRef', 'cannot be combined with selector']]);
});

test('Should reject a targetRef together with targetRefs', () => {
  const yaml = authorizationPolicy(`
    targetRef:
      kind: Service
      name: foo
    targetRefs:
    - kind: Service
      name: bar
  `);
  assertProblems(errorsOf(yaml), [['spec.targetRefs', 'cannot be combined with targetRef']]);
});

test('Should reject a targetRef to another namespace or to a kind a policy cannot target', () => {
  const yaml = authorizationPolicy(`
    targetRefs:
    - kind: Service
      name: foo
      namespace: bar
    - kind: Deployment
      group: apps
      name: foo
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.targetRefs[0].namespace', 'own namespace'],
    ['spec.targetRefs[1].kind', 'cannot target apps/Deployment'],
  ]);
});

// Sources and operations.

test('Should reject an empty source', () => {
  const yaml = authorizationPolicy(`
    rules:
    - from:
      - source: {}
  `);
  assertProblems(errorsOf(yaml), [['spec.rules[0].from[0].source', 'must set at least one field']]);
});

test('Should reject a from entry without a source', () => {
  const yaml = authorizationPolicy(`
    rules:
    - from:
      - {}
  `);
  assertProblems(errorsOf(yaml), [['spec.rules[0].from[0].source', 'source is required']]);
});

test('Should reject an empty operation and an empty to list', () => {
  const yaml = authorizationPolicy(`
    rules:
    - to:
      - operation: {}
    - to: []
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].to[0].operation', 'must set at least one field'],
    ['spec.rules[1].to', 'must not be empty'],
  ]);
});

test('Should reject an empty from list', () => {
  assertProblems(errorsOf(authorizationPolicy(`
    rules:
    - from: []
  `)), [['spec.rules[0].from', 'must not be empty']]);
});
