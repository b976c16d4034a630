import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TransportSocketMatch, UpstreamTlsConfig } from '../config/cluster.js';
import { selectServerAlpn, upstreamAlpn } from './alpn.js';
import { selectTransportSocketMatch } from './upstream-transport.js';

const mesh = (alpn: string[]): UpstreamTlsConfig => ({ alpn, certificateSecret: 'default', validationSecret: 'ROOTCA', matchSubjectAltNames: [] });

test("Should offer Istio's in-mesh ALPN for HTTP/1.1 and HTTP/2, and the configured list for TCP", () => {
  assert.deepEqual(upstreamAlpn(mesh(['istio-peer-exchange', 'istio']), 'http1'), ['istio-http/1.1', 'istio-http/1.0', 'istio-peer-exchange', 'istio']);
  assert.deepEqual(upstreamAlpn(mesh(['istio-peer-exchange', 'istio', 'h2']), 'http2'), ['istio-h2', 'h2', 'istio-peer-exchange', 'istio']);
  assert.deepEqual(upstreamAlpn(mesh(['istio-peer-exchange', 'istio']), 'tcp'), ['istio-peer-exchange', 'istio']);
});

test('Should offer the configured ALPN outside the mesh, adding h2 for HTTP/2', () => {
  assert.deepEqual(upstreamAlpn(mesh([]), 'http1'), []);
  assert.deepEqual(upstreamAlpn(mesh(['http/1.1']), 'http2'), ['h2', 'http/1.1']);
});

test("Should select the server's first protocol the client offered, and none without overlap", () => {
  assert.equal(selectServerAlpn(['h2', 'http/1.1'], ['http/1.1', 'h2']), 'h2');
  assert.equal(selectServerAlpn(['h2', 'http/1.1'], ['istio-http/1.1', 'istio']), undefined);
});

test("Should pick the first transport socket match whose entries are a subset of the endpoint's metadata", () => {
  const matches: TransportSocketMatch[] = [{ name: 'tlsMode-istio', match: { tlsMode: 'istio' } }, { name: 'tlsMode-disabled', match: {} }];
  assert.equal(selectTransportSocketMatch(matches, { tlsMode: 'istio' })?.name, 'tlsMode-istio');
  assert.equal(selectTransportSocketMatch(matches, { tlsMode: 'disabled' })?.name, 'tlsMode-disabled');
  assert.equal(selectTransportSocketMatch(matches, {})?.name, 'tlsMode-disabled');
  assert.equal(selectTransportSocketMatch([matches[0]!], {}), undefined);
});
