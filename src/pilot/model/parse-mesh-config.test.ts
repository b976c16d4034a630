import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MESH_CONFIG } from './mesh-config.js';
import { parseMeshConfig } from './parse-mesh-config.js';

test('Should give Istio\'s defaults for an empty document', () => {
  assert.deepEqual(parseMeshConfig(null), { ok: true, config: DEFAULT_MESH_CONFIG });
});

test('Should read the fields Heddle uses over the defaults', () => {
  const r = parseMeshConfig({
    rootNamespace: 'mesh-root',
    trustDomain: 'example.org',
    enableAutoMtls: false,
    connectTimeout: '2.5s',
    outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    extensionProviders: [{
      name: 'sample-ext-authz-http',
      envoyExtAuthzHttp: { service: 'ext-authz.foo.svc.cluster.local', port: 8000, includeRequestHeadersInCheck: ['x-ext-authz'], statusOnError: 503, timeout: '0.5s' },
    }],
  });
  assert.ok(r.ok);
  assert.equal(r.config.rootNamespace, 'mesh-root');
  assert.equal(r.config.trustDomain, 'example.org');
  assert.equal(r.config.enableAutoMtls, false);
  assert.equal(r.config.connectTimeoutMs, 2500);
  assert.equal(r.config.outboundTrafficPolicy, 'REGISTRY_ONLY');
  assert.equal(r.config.tcpIdleTimeoutMs, DEFAULT_MESH_CONFIG.tcpIdleTimeoutMs);
  assert.deepEqual(r.config.extensionProviders, [{
    name: 'sample-ext-authz-http',
    envoyExtAuthzHttp: { service: 'ext-authz.foo.svc.cluster.local', port: 8000, includeRequestHeadersInCheck: ['x-ext-authz'], statusOnError: '503', timeout: '0.5s' },
  }]);
});

test('Should name every unknown field with its path', () => {
  const r = parseMeshConfig({
    trustDomian: 'x',
    extensionProviders: [{ name: 'a', envoyExtAuthzHttp: { service: 's', port: 1, includeHeadersInCheck: ['x'] } }, { name: 'b', envoyExtAuthzGrpc: { service: 's', port: 1 } }],
  });
  assert.ok(!r.ok);
  const paths = r.issues.map((i) => i.path);
  assert.ok(paths.includes('trustDomian'), paths.join(', '));
  assert.ok(paths.includes('extensionProviders[0].envoyExtAuthzHttp.includeHeadersInCheck'), paths.join(', '));
  assert.ok(paths.includes('extensionProviders[1].envoyExtAuthzGrpc'), paths.join(', '));
  assert.ok(paths.includes('extensionProviders[1]'), 'a provider without envoyExtAuthzHttp is reported');
});

test('Should refuse wrong types, a missing service, a bad port, a bad duration and duplicate names', () => {
  const r = parseMeshConfig({
    enableAutoMtls: 'yes',
    connectTimeout: 'soon',
    outboundTrafficPolicy: { mode: 'ALLOW_SOME' },
    extensionProviders: [{ name: 'a', envoyExtAuthzHttp: { port: 70000 } }, { name: 'a', envoyExtAuthzHttp: { service: 's', port: 80 } }],
  });
  assert.ok(!r.ok);
  assert.deepEqual(r.issues.map((i) => i.path).sort(), [
    'connectTimeout', 'enableAutoMtls',
    'extensionProviders[0].envoyExtAuthzHttp.port', 'extensionProviders[0].envoyExtAuthzHttp.service',
    'extensionProviders[1].name', 'outboundTrafficPolicy.mode',
  ]);
});

test('Should refuse a document that is not a mapping', () => {
  const r = parseMeshConfig(['rootNamespace']);
  assert.ok(!r.ok);
  assert.equal(r.issues[0]?.path, '');
});
