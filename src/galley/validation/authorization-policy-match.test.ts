import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';
import { assertProblems, securityResource } from './testing-security.js';

/** An AuthorizationPolicy named `test` whose spec is the indented block `spec`. */
function authorizationPolicy(spec: string, namespace = 'foo'): string {
  return securityResource('AuthorizationPolicy', spec, { namespace });
}

test('Should reject empty values in a source, pointing at each one', () => {
  const yaml = authorizationPolicy(`
    rules:
    - from:
      - source:
          principals: ["cluster.local/ns/a/sa/b", ""]
          notIpBlocks: [""]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].from[0].source.principals[1]', 'use "*" to match any value'],
    ['spec.rules[0].from[0].source.notIpBlocks[0]', 'must not be empty'],
  ]);
});

test('Should reject ipBlocks and remoteIpBlocks that are not IPs or CIDR blocks', () => {
  const yaml = authorizationPolicy(`
    rules:
    - from:
      - source:
          ipBlocks: ["10.0.0.1", "10.0.0.300"]
          remoteIpBlocks: ["10.0.0.0/33"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].from[0].source.ipBlocks[1]', 'not a valid IP address or CIDR block'],
    ['spec.rules[0].from[0].source.remoteIpBlocks[0]', 'invalid prefix length'],
  ]);
});

test('Should reject a * in the middle of a match value', () => {
  const yaml = authorizationPolicy(`
    rules:
    - from:
      - source:
          principals: ["cluster.local/ns/*/sa/b"]
          namespaces: ["*prod*"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].from[0].source.principals[0]', '"*" may only be the whole value, a prefix'],
    ['spec.rules[0].from[0].source.namespaces[0]', 'not a valid match'],
  ]);
});

test('Should reject serviceAccounts mixed with principals, and malformed service accounts', () => {
  const yaml = authorizationPolicy(`
    rules:
    - from:
      - source:
          principals: ["cluster.local/ns/a/sa/b"]
          serviceAccounts: ["a/b/c", "team-*"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].from[0].source.serviceAccounts[0]', 'must have the form "name" or "namespace/name"'],
    ['spec.rules[0].from[0].source.serviceAccounts[1]', 'must be matched exactly'],
    ['spec.rules[0].from[0].source.serviceAccounts', 'cannot be combined with principals or namespaces'],
  ]);
});

test('Should reject operation ports that are not port numbers', () => {
  const yaml = authorizationPolicy(`
    rules:
    - to:
      - operation:
          ports: ["8080", "0", "http", "65536"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].to[0].operation.ports[1]', 'between 1 and 65535'],
    ['spec.rules[0].to[0].operation.ports[2]', 'not a valid port'],
    ['spec.rules[0].to[0].operation.ports[3]', 'not a valid port'],
  ]);
});

test('Should reject paths that do not start with a slash', () => {
  const yaml = authorizationPolicy(`
    rules:
    - to:
      - operation:
          paths: ["/ok", "api/v1/*"]
          notPaths: ["health"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].to[0].operation.paths[1]', 'must start with "/"'],
    ['spec.rules[0].to[0].operation.notPaths[0]', 'must start with "/"'],
  ]);
});

test('Should reject path templates with {**} before another operator or braces outside a template', () => {
  const yaml = authorizationPolicy(`
    rules:
    - to:
      - operation:
          paths: ["/{**}/items/{*}", "/users/{id}", "/files/{*}/a*b"]
  `);
  assertProblems(errorsOf(yaml), [
    ['spec.rules[0].to[0].operation.paths[0]', 'operator after "{**}"'],
    ['spec.rules[0].to[0].operation.paths[1]', 'outside a whole "{*}" or "{**}" segment'],
    ['spec.rules[0].to[0].operation.paths[2]', 'invalid segment "a*b"'],
  ]);
});

test('Should warn about lowercase methods, which never match', () => {
  const yaml = authorizationPolicy(`
    rules:
    - to:
      - operation:
          methods: ["get"]
  `);
  assert.deepEqual(errorsOf(yaml), []);
  assertProblems(problemsOf(yaml), [['warning: spec.rules[0].to[0].operation.methods[0]', 'will not match "GET"']]);
});
