import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import { grpcDecodeListener } from '../rds/grpc-xds-decoders.js';
import { fakeProxy, kubeService, port, testPush } from '../rds/testing.js';
import { createGrpcLdsGenerator } from './lds-generator.js';

const ECHO = 'echo.default.svc.cluster.local';
const push = testPush({ services: [kubeService('echo', [port(7070, 'GRPC', 'grpc'), port(7071, 'GRPC', 'grpc-admin')], 'default', { addresses: ['10.96.0.9'] })] });
const client = fakeProxy({ generator: 'grpc', id: 'grpc-client' });

interface Hcm {
  stat_prefix: string;
  rds: { route_config_name: string; config_source: { ads: object; resource_api_version: string } };
  http_filters: { name: string; typed_config: AnyMessage }[];
}

test('Should answer each requested host:port with an ApiListener of exactly that name, RDS under the same name', () => {
  const [res] = createGrpcLdsGenerator().generate(client, push, [`${ECHO}:7070`]);
  assert.equal(res?.name, `${ECHO}:7070`);
  const listener = res!.message as Listener;
  assert.deepEqual(listener.address, { socket_address: { address: '10.96.0.9', port_value: 7070 } });
  const hcm = unpackAny<Hcm>(listener.api_listener!.api_listener as AnyMessage);
  assert.equal(hcm.stat_prefix, `${ECHO}:7070`);
  assert.equal(hcm.rds.route_config_name, `${ECHO}:7070`);
  assert.equal(hcm.rds.config_source.resource_api_version, 'V3');
  assert.ok(hcm.rds.config_source.ads);
  assert.deepEqual(hcm.http_filters.map((f) => [f.name, f.typed_config.type_url]), [
    ['envoy.filters.http.fault', 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault'],
    ['envoy.filters.http.router', 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router'],
  ]);
});

test('Should send grpc-js-xds listeners it accepts', () => {
  for (const res of createGrpcLdsGenerator().generate(client, push, [`${ECHO}:7070`, 'echo:7071'])) {
    const decoded = grpcDecodeListener(res.resource);
    assert.equal(decoded.error, undefined);
    assert.equal(decoded.name, res.name);
  }
});

test('Should resolve short names in the client\'s namespace and keep the name the client used', () => {
  const names = createGrpcLdsGenerator().generate(client, push, ['echo:7070', 'echo.default:7071', 'echo.default.svc:7070']).map((r) => r.name);
  assert.deepEqual(names, ['echo:7070', 'echo.default:7071', 'echo.default.svc:7070']);
  const elsewhere = fakeProxy({ generator: 'grpc', namespace: 'other', dnsDomain: 'other.svc.cluster.local' });
  assert.deepEqual(createGrpcLdsGenerator().generate(elsewhere, push, ['echo:7070']), []);
});

test('Should leave out unknown hosts and ports, so the client sees that they do not exist', () => {
  assert.deepEqual(createGrpcLdsGenerator().generate(client, push, ['missing:7070', `${ECHO}:1`, `${ECHO}`]).map((r) => r.name), []);
});

test('Should answer a wildcard request with a listener per visible service port', () => {
  assert.deepEqual(createGrpcLdsGenerator().generate(client, push, undefined).map((r) => r.name), [`${ECHO}:7070`, `${ECHO}:7071`]);
});
