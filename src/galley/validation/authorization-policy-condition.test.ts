import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';
import { assertProblems, securityResource } from './testing-security.js';

/** An AuthorizationPolicy named `test` whose spec is the indented block `spec`. */
function authorizationPolicy(spec: string, namespace = 'foo'): string {
  return securityResource('AuthorizationPolicy', spec, { namespace });
}

test('Should accept a condition on every key Istio supports', () => {
  const yaml = authorizationPolicy(`
    rules:
    - when:
      - key: request.headers[User-Agent]
        values: ["curl/*"]
      - key: request.experimental.inline.headers[x-b3-sampled]
        values: ["1"]
      - key: source.ip
        values: ["10.0.0.0/8", "2001:db8::1"]
      - key: remote.ip
        notValues: ["203.0.113.7"]
      - key: source.namespace
        values: ["prod-*"]
      - key: source.principal
        values: ["cluster.local/ns/prod/sa/*"]
      - key: source.serviceAccount
        values: ["prod/web"]
      - key: request.auth.principal
        values: ["https://accounts.example.com/*"]
      - key: request.auth.audiences
        values: ["web"]
      - key: request.auth.presenter
        values: ["*.apps.example.com"]
      - key: request.auth.claims[iss]
        values: ["https://accounts.example.com"]
      - key: destination.ip
        values: ["10.1.2.3"]
      - key: destination.port
        values: ["443"]
      - key: connection.sni
        values: ["*.example.com"]
      - key: experimental.envoy.filters.network.mysql_proxy[db.table]
        values: ["[select]"]
  `);
  assert.deepEqual(problemsOf(yaml), []);
});

test('Should reject an unknown condition key and suggest the closest one', () => {
  const yaml = authorizationPolicy(`
    rules:
    - when:
      - key: source.ips
        values: ["10.0.0.1"]
  `);
  assertProblems(errorsOf(yaml), [['spec.rules[0].when[0].key', 'unknown condition key "source.ips" (did you mean "source.ip"?)']]);
});

test('Should reject a condition without values or notValues', () => {
  const yaml = authorizationPolicy(`
    rules:
    - when:
      - key: request.auth.principal
        values: []
  `);
  assertProblems(errorsOf(yaml), [['spec.rules[0].when[0]', 'needs values or notValues']]);
});

test('Should reject condition values that do not suit the key', () => {
  const yaml = authorizationPolicy(`
    rules:
    - when:
      - key: source.ip
        values: ["10.0.0.0/8", "not-an-ip"]
      - key: destination.port
        notValues: ["99999"]
      - key: remote.ip
        values: [""]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].when[0].values[1]', 'not a valid IP address or CIDR block'],
    ['spec.rules[0].when[1].notValues[0]', 'not a valid port'],
    ['spec.rules[0].when[2].values[0]', 'must not be empty'],
  ]);
});

test('Should reject a header condition key without a bracketed header name', () => {
  const yaml = authorizationPolicy(`
    rules:
    - when:
      - key: request.headers
        values: ["x"]
      - key: request.headers[bad header]
        values: ["x"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].when[0].key', 'must have the form request.headers[<name>]'],
    ['spec.rules[0].when[1].key', 'not a valid HTTP header name'],
  ]);
});

test('Should reject the retired destination.labels and destination.namespace keys', () => {
  const yaml = authorizationPolicy(`
    rules:
    - when:
      - key: destination.labels[app]
        values: ["web"]
      - key: destination.namespace
        values: ["foo"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].when[0].key', 'selector instead'],
    ['spec.rules[0].when[1].key', 'no longer supported'],
  ]);
});

test('Should reject an empty condition key once and leave a missing key to the schema', () => {
  const yaml = authorizationPolicy(`
    rules:
    - when:
      - key: ""
        values: ["x"]
      - values: ["x"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].when[1].key', 'required field is missing'],
    ['spec.rules[0].when[0].key', 'must not be empty'],
  ]);
});
