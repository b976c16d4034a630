import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostAliases, hostCovers, hostsOverlap, namespaceOfHost, resolveHost } from './hosts.js';

test('Should resolve a short name in the namespace of the resource that writes it', () => {
  assert.equal(resolveHost('reviews', 'default'), 'reviews.default.svc.cluster.local');
  assert.equal(resolveHost('Reviews', 'prod'), 'reviews.prod.svc.cluster.local');
  assert.equal(resolveHost('reviews.prod.svc', 'default'), 'reviews.prod.svc.cluster.local');
});

test('Should read a name.namespace host both as written and as a Kubernetes service', () => {
  assert.deepEqual(hostAliases('reviews.prod', 'default'), ['reviews.prod', 'reviews.prod.svc.cluster.local']);
  assert.deepEqual(hostAliases('reviews', 'default'), ['reviews.default.svc.cluster.local']);
  assert.deepEqual(hostAliases('api.example.com', 'default'), ['api.example.com']);
});

test('Should keep FQDNs, wildcards and IP addresses as they are', () => {
  assert.equal(resolveHost('reviews.prod.svc.cluster.local', 'default'), 'reviews.prod.svc.cluster.local');
  assert.equal(resolveHost('*.example.com', 'default'), '*.example.com');
  assert.equal(resolveHost('*', 'default'), '*');
  assert.equal(resolveHost('10.0.0.1', 'default'), '10.0.0.1');
  assert.equal(resolveHost('api.example.com.', 'default'), 'api.example.com');
});

test('Should let a wildcard host cover the names under it but not its own domain', () => {
  assert.ok(hostCovers('*.example.com', 'api.example.com'));
  assert.ok(hostCovers('*.example.com', 'a.b.example.com'));
  assert.ok(hostCovers('*.example.com', '*.api.example.com'));
  assert.ok(hostCovers('*', 'anything.at.all'));
  assert.ok(!hostCovers('*.example.com', 'example.com'));
  assert.ok(!hostCovers('api.example.com', '*.example.com'));
  assert.ok(hostsOverlap('api.example.com', '*.example.com'));
  assert.ok(!hostsOverlap('api.example.com', 'web.example.com'));
});

test('Should find the namespace of a Kubernetes service name only', () => {
  assert.equal(namespaceOfHost('reviews.prod.svc.cluster.local'), 'prod');
  assert.equal(namespaceOfHost('api.example.com'), undefined);
  assert.equal(namespaceOfHost('a.b.c.svc.cluster.local'), undefined);
});
