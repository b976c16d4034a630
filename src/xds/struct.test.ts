import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from './ads-service.js';
import type { DiscoveryRequest__Output } from './ads-service.js';
import { structFromJson, structToJson, valueToJson, type JsonObject } from './struct.js';

const metadata: JsonObject = {
  NAMESPACE: 'default',
  LABELS: { app: 'reviews', version: 'v1' },
  INSTANCE_IPS: '10.0.0.1,10.0.0.2',
  PORT: 9080,
  SIDECAR: true,
  NOTHING: null,
  LIST: ['a', 1, { b: false }],
};

test('Should round-trip node metadata through the wire as proto-loader decodes it', () => {
  const defs = protoLoader.loadSync('envoy/service/discovery/v3/ads.proto', PROTO_LOADER_OPTIONS);
  const type = defs['envoy.service.discovery.v3.DiscoveryRequest'] as protoLoader.MessageTypeDefinition<object, DiscoveryRequest__Output>;
  const bytes = type.serialize({ node: { id: 'n', metadata: structFromJson(metadata) } });
  const decoded = type.deserialize(bytes) as DiscoveryRequest__Output;
  assert.deepEqual(structToJson(decoded.node?.metadata), metadata);
});

test('Should read the snake_case spelling of Struct values that other decoders produce', () => {
  const struct = {
    fields: {
      NAMESPACE: { string_value: 'prod' },
      LABELS: { struct_value: { fields: { app: { string_value: 'ratings' } } } },
      N: { number_value: 2 },
      L: { list_value: { values: [{ bool_value: true }] } },
    },
  };
  assert.deepEqual(structToJson(struct as never), { NAMESPACE: 'prod', LABELS: { app: 'ratings' }, N: 2, L: [true] });
});

test('Should read a missing struct as an empty object and an empty value as null', () => {
  assert.deepEqual(structToJson(null), {});
  assert.deepEqual(structToJson(undefined), {});
  assert.equal(valueToJson({}), null);
});
