import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';
import { assertProblems, securityResource } from './testing-security.js';

/** A RequestAuthentication named `test` whose spec is the indented block `spec`. */
function requestAuthentication(spec: string): string {
  return securityResource('RequestAuthentication', spec);
}

const JWKS = JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', kid: 'k1', n: 'xAE7eB6qugXyCAG3yhh7pkDkT65pHymX' }] });

test('Should accept the Istio sample RequestAuthentication for testing@secure.istio.io', () => {
  const yaml = requestAuthentication(`
    selector:
      matchLabels:
        app: httpbin
    jwtRules:
    - issuer: "testing@secure.istio.io"
      jwksUri: "https://raw.githubusercontent.com/istio/istio/release-1.24/security/tools/jwt/samples/jwks.json"
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept a RequestAuthentication that uses every token location and output', () => {
  const yaml = requestAuthentication(`
    targetRefs:
    - group: ""
      kind: Service
      name: httpbin
    jwtRules:
    - issuer: "https://accounts.example.com"
      jwksUri: "http://keycloak.auth.svc.cluster.local:8080/realms/main/protocol/openid-connect/certs"
      audiences: ["web", "mobile"]
      forwardOriginalToken: true
      fromHeaders:
      - name: x-jwt-assertion
        prefix: "Bearer "
      fromParams: ["access_token"]
      fromCookies: ["session"]
      outputPayloadToHeader: x-jwt-payload
      outputClaimToHeaders:
      - header: x-jwt-sub
        claim: sub
      - header: x-jwt-tenant
        claim: tenant.id
      timeout: 5s
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept an inline JWKS', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "issuer-foo"
      jwks: '${JWKS}'
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should accept a rule with a jwksUri and no issuer, as Istio does', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - jwksUri: "https://example.com/.well-known/jwks.json"
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should reject a JWT rule with neither issuer nor jwksUri', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "ok"
    - audiences: ["web"]
  `);
  assertProblems(errorsOf(yaml), [['spec.jwtRules[1].issuer', 'issuer is required']]);
});

test('Should report an empty issuer once, through the schema', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: ""
  `);
  assertProblems(errorsOf(yaml), [['spec.jwtRules[0].issuer', 'shorter than 1 character']]);
});

test('Should reject a jwksUri with a scheme other than http or https', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      jwksUri: "ftp://example.com/jwks.json"
  `);
  assertProblems(errorsOf(yaml), [['spec.jwtRules[0].jwksUri', 'scheme "ftp" is not supported']]);
});

test('Should reject a jwksUri that is not a URL', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      jwksUri: "example.com/jwks.json"
  `);
  assertProblems(errorsOf(yaml), [['spec.jwtRules[0].jwksUri', 'not a valid URL']]);
});

test('Should check the older jwks_uri spelling at its own path', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      jwks_uri: "file:///etc/jwks.json"
  `);
  assertProblems(errorsOf(yaml), [['spec.jwtRules[0].jwks_uri', 'scheme "file" is not supported']]);
});

test('Should reject an inline JWKS that is not a key set', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      jwks: "not json"
    - issuer: "bar"
      jwks: '{"keys": [{"kid": "no-kty"}]}'
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.jwtRules[0].jwks', 'must be a JSON Web Key Set'],
    ['spec.jwtRules[1].jwks', 'keys[0] is not a JSON Web Key'],
  ]);
});

test('Should warn that jwksUri is ignored when jwks is also set', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      jwks: '${JWKS}'
      jwksUri: "https://example.com/jwks.json"
  `);
  assert.deepEqual(errorsOf(yaml), []);
  assertProblems(problemsOf(yaml), [['warning: spec.jwtRules[0].jwksUri', 'ignored when jwks is set']]);
});

test('Should reject a fromHeaders name that is not a header name', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      fromHeaders:
      - name: x-token
      - name: "x token"
  `);
  assertProblems(errorsOf(yaml), [['spec.jwtRules[0].fromHeaders[1].name', 'not a valid HTTP header name']]);
});

test('Should reject an outputPayloadToHeader that is a pseudo-header or not a header name', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      outputPayloadToHeader: ":path"
    - issuer: "bar"
      outputPayloadToHeader: "x/payload"
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.jwtRules[0].outputPayloadToHeader', 'pseudo-header'],
    ['spec.jwtRules[1].outputPayloadToHeader', 'not a valid HTTP header name'],
  ]);
});

test('Should warn when two outputClaimToHeaders write the same header', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      outputClaimToHeaders:
      - header: x-user
        claim: sub
      - header: X-User
        claim: email
  `);
  assert.deepEqual(errorsOf(yaml), []);
  assertProblems(problemsOf(yaml), [['warning: spec.jwtRules[0].outputClaimToHeaders[1].header', 'already written by outputClaimToHeaders[0]']]);
});

test('Should reject a timeout under 1ms or that is not a duration', () => {
  const yaml = requestAuthentication(`
    jwtRules:
    - issuer: "foo"
      timeout: 500us
    - issuer: "bar"
      timeout: apple
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.jwtRules[0].timeout', 'at least 1ms'],
    ['spec.jwtRules[1].timeout', 'invalid duration "apple"'],
  ]);
});

test('Should reject a selector together with a targetRef', () => {
  const yaml = requestAuthentication(`
    selector:
      matchLabels:
        app: foo
    targetRef:
      group: gateway.networking.k8s.io
      kind: Gateway
      name: ingress
    jwtRules:
    - issuer: "foo"
  `);
  assertProblems(errorsOf(yaml), [['spec.targetRef', 'cannot be combined with selector']]);
});

test('Should reject a targetRef to another namespace', () => {
  const yaml = requestAuthentication(`
    targetRef:
      kind: Service
      name: foo
      namespace: bar
  `);
  assertProblems(errorsOf(yaml), [['spec.targetRef.namespace', 'own namespace']]);
});

test('Should reject a selector label key with a wildcard', () => {
  const yaml = requestAuthentication(`
    selector:
      matchLabels:
        "app*": foo
  `);
  assertProblems(errorsOf(yaml), [['spec.selector.matchLabels.app*', 'invalid label key "app*"']]);
});
