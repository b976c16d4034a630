import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { DownstreamTlsContext__Output } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.js';
import { testPush } from '../../generators/rds/testing.js';
import { grpcServerMtlsMode, grpcServerMtlsTransportSocket } from './grpc-server-mtls.js';
import { modePolicy, peerAuthentication } from './testing.js';

const echo = { namespace: 'default', labels: { app: 'echo' } };
const meshed = { namespace: 'default', labels: { app: 'echo', 'security.istio.io/tlsMode': 'istio' } };

test('Should serve gRPC STRICT and DISABLE as PeerAuthentication says, and PERMISSIVE as plaintext unless the server is labelled tlsMode istio', () => {
  assert.equal(grpcServerMtlsMode(echo, testPush(), 7070), 'DISABLE');
  assert.equal(grpcServerMtlsMode(meshed, testPush(), 7070), 'STRICT');
  assert.equal(grpcServerMtlsMode(echo, testPush({ resources: [modePolicy('istio-system', 'mesh', 'STRICT')] }), 7070), 'STRICT');
  assert.equal(grpcServerMtlsMode(meshed, testPush({ resources: [modePolicy('default', 'off', 'DISABLE')] }), 7070), 'DISABLE');
});

test("Should read a port's mode from the workload policy's portLevelMtls", () => {
  const push = testPush({ resources: [peerAuthentication('default', 'echo', { selector: { matchLabels: { app: 'echo' } }, mtls: { mode: 'DISABLE' }, portLevelMtls: { 7070: { mode: 'STRICT' } } })] });
  assert.equal(grpcServerMtlsMode(echo, push, 7070), 'STRICT');
  assert.equal(grpcServerMtlsMode(echo, push, 7071), 'DISABLE');
});

test('Should pack the STRICT context into an envoy.transport_sockets.tls socket that requires a client certificate', () => {
  const socket = grpcServerMtlsTransportSocket();
  assert.equal(socket.name, 'envoy.transport_sockets.tls');
  const ctx = unpackAny<DownstreamTlsContext__Output>(socket.typed_config as AnyMessage);
  assert.equal(ctx.require_client_certificate?.value, true);
  assert.equal(ctx.common_tls_context?.tls_certificate_provider_instance?.instance_name, 'default');
});
