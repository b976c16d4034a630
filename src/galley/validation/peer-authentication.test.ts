import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';
import { assertProblems, securityResource } from './testing-security.js';

/** A PeerAuthentication named `test` whose spec is the indented block `spec`. */
function peerAuthentication(spec: string, opts: { name?: string; namespace?: string } = {}): string {
  return securityResource('PeerAuthentication', spec, opts);
}

test('Should accept a mesh-wide STRICT PeerAuthentication in istio-system', () => {
  const yaml = peerAuthentication(`
    mtls:
      mode: STRICT
  `, { name: 'default', namespace: 'istio-system' });
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept a namespace-wide PERMISSIVE PeerAuthentication', () => {
  assert.deepEqual(problemsOf(peerAuthentication(`
    mtls:
      mode: PERMISSIVE
  `, { name: 'default' })), []);
});

test('Should accept a workload PERMISSIVE PeerAuthentication with portLevelMtls DISABLE', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels:
        app: finance
    mtls:
      mode: PERMISSIVE
    portLevelMtls:
      8080:
        mode: DISABLE
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept an UNSET mode that inherits and disables mTLS on one quoted port', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels:
        app: finance
    mtls:
      mode: UNSET
    portLevelMtls:
      "8080":
        mode: DISABLE
      "9090": {}
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept an empty spec', () => {
  assert.deepEqual(problemsOf(peerAuthentication('{}')), []);
});

test('Should reject portLevelMtls on a namespace-wide PeerAuthentication', () => {
  const yaml = peerAuthentication(`
    mtls:
      mode: STRICT
    portLevelMtls:
      80:
        mode: PERMISSIVE
  `);
  assertProblems(errorsOf(yaml), [['spec.portLevelMtls', 'needs a selector']]);
});

test('Should reject portLevelMtls when the selector has no labels, and warn about the empty selector', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels: {}
    portLevelMtls:
      80:
        mode: STRICT
  `);
  assertProblems(problemsOf(yaml), [
    ['warning: spec.selector', 'selects every workload'],
    ['spec.portLevelMtls', 'needs a selector with matchLabels'],
  ]);
});

test('Should reject port 0 in portLevelMtls', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels:
        app: foo
    portLevelMtls:
      "0":
        mode: STRICT
  `);
  assertProblems(errorsOf(yaml), [['spec.portLevelMtls[0]', 'between 1 and 65535']]);
});

test('Should reject a portLevelMtls port above 65535', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels:
        app: foo
    portLevelMtls:
      "42949672":
        mode: STRICT
  `);
  assertProblems(errorsOf(yaml), [['spec.portLevelMtls[42949672]', 'out of range']]);
});

test('Should reject a portLevelMtls key that is not a number', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels:
        app: foo
    portLevelMtls:
      http:
        mode: STRICT
  `);
  assertProblems(errorsOf(yaml), [['spec.portLevelMtls.http', 'must be a port number']]);
});

test('Should report every bad portLevelMtls key, not just the first', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels:
        app: foo
    portLevelMtls:
      "8080":
        mode: STRICT
      "-1":
        mode: STRICT
      "70000":
        mode: STRICT
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.portLevelMtls[70000]', 'out of range'],
    ['spec.portLevelMtls.-1', 'must be a port number'],
  ]);
});

test('Should report an unknown mTLS mode once, through the schema', () => {
  const yaml = peerAuthentication(`
    mtls:
      mode: STRICTER
  `);
  assertProblems(errorsOf(yaml), [['spec.mtls.mode', 'must be one of UNSET, DISABLE, PERMISSIVE, STRICT']]);
});

test('Should report an empty portLevelMtls map once, through the schema', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels:
        app: foo
    portLevelMtls: {}
  `);
  assertProblems(errorsOf(yaml), [['spec.portLevelMtls', 'less than 1 property']]);
});

test('Should reject a wildcard in a selector label value', () => {
  const yaml = peerAuthentication(`
    selector:
      matchLabels:
        app: "web-*"
    mtls:
      mode: STRICT
  `);
  assertProblems(errorsOf(yaml), [['spec.selector.matchLabels.app', 'invalid label value "web-*"']]);
});

test('Should only warn about a selector without labels when there is no portLevelMtls', () => {
  const yaml = peerAuthentication(`
    selector: {}
    mtls:
      mode: STRICT
  `);
  assert.deepEqual(errorsOf(yaml), []);
  assertProblems(problemsOf(yaml), [['warning: spec.selector', 'no matchLabels']]);
});
