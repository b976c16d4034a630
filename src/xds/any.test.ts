import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage, packAny, setStrictEncoding, unpackAny, XdsMessageError } from './any.js';
import { messageType } from './protos.js';
import { structFromJson } from './struct.js';

setStrictEncoding(true);
import { CLUSTER_TYPE } from './type-urls.js';

test('Should round-trip a Cluster through an Any', () => {
  const any = packAny('envoy.config.cluster.v3.Cluster', {
    name: 'outbound|9080|v1|reviews.default.svc.cluster.local',
    type: 'EDS',
    eds_cluster_config: { service_name: 'outbound|9080|v1|reviews.default.svc.cluster.local', eds_config: { ads: {} } },
    connect_timeout: { seconds: 10 },
    lb_policy: 'LEAST_REQUEST',
  });
  assert.equal(any.type_url, CLUSTER_TYPE);
  const back = unpackAny<{ name: string; type: string; lb_policy: string; connect_timeout: { seconds: string } }>(any);
  assert.equal(back.name, 'outbound|9080|v1|reviews.default.svc.cluster.local');
  assert.equal(back.type, 'EDS');
  assert.equal(back.lb_policy, 'LEAST_REQUEST');
  assert.equal(back.connect_timeout.seconds, '10');
});

test('Should refuse to pack a message with a misspelt field, naming its path', () => {
  assert.throws(
    () => packAny('envoy.config.cluster.v3.Cluster', { name: 'c', eds_cluster_config: { service_nmae: 'x' } }),
    (err: unknown) => err instanceof XdsMessageError && /eds_cluster_config\.service_nmae: unknown field/.test(err.message),
  );
});

test('Should refuse an Any field that is not packed', () => {
  assert.throws(
    () => packAny('envoy.config.listener.v3.Listener', { name: 'l', api_listener: { api_listener: { stat_prefix: 'x' } } }),
    /api_listener\.api_listener: an Any must be packed/,
  );
});

test('Should report an unknown type URL when unpacking', () => {
  assert.throws(() => unpackAny({ type_url: 'type.googleapis.com/no.such.Type', value: Buffer.alloc(0) }), /no\.such\.Type: unknown message type/);
});

test('Should give each message its own bytes when the writer is reused, large or small', () => {
  const type = 'envoy.config.cluster.v3.Cluster';
  const big = { name: 'b'.repeat(5000), type: 'EDS', lb_policy: 'RING_HASH' };
  const small = { name: 'small', type: 'STATIC' };
  const first = packAny(type, big);
  const copy = Buffer.from(first.value);
  const second = packAny(type, small);
  assert.deepEqual(Buffer.from(first.value), copy);
  assert.equal(unpackAny<{ name: string; type: string }>(second).name, 'small');
  assert.equal(unpackAny<{ name: string; type: string }>(second).type, 'STATIC');
  assert.equal(unpackAny<{ name: string; lb_policy: string }>(first).lb_policy, 'RING_HASH');
});

test('Should encode the bytes of protobufjs fromObject and encode, enums by name or number, maps and Structs', () => {
  const type = messageType('envoy.config.cluster.v3.Cluster');
  const cluster = {
    name: 'outbound|9080||reviews.default.svc.cluster.local',
    type: 3,
    lb_policy: 'LEAST_REQUEST',
    connect_timeout: { seconds: '10', nanos: 5 },
    dns_lookup_family: 'V4_ONLY',
    metadata: { filter_metadata: { istio: structFromJson({ a: [1, 'x', null, { b: true }], n: null }) } },
    typed_extension_protocol_options: { x: { type_url: 'type.googleapis.com/google.protobuf.Empty', value: Buffer.alloc(0) } },
    circuit_breakers: { thresholds: [{ priority: 'HIGH', max_requests: { value: 4294967295 } }] },
  };
  const expected = type.encode(type.fromObject(cluster)).finish();
  assert.deepEqual(Buffer.from(packAny('envoy.config.cluster.v3.Cluster', cluster).value), Buffer.from(expected));
  assert.deepEqual(Buffer.from(encodeMessage('envoy.config.cluster.v3.Cluster', cluster)), Buffer.from(expected));
});

test('Should still refuse a misspelt field after a message failed to encode', () => {
  assert.throws(() => packAny('envoy.config.cluster.v3.Cluster', { name: 'c', connect_timeout: 'soon' }));
  assert.throws(() => packAny('envoy.config.cluster.v3.Cluster', { nmae: 'c' }), /nmae: unknown field/);
  assert.equal(unpackAny<{ name: string }>(packAny('envoy.config.cluster.v3.Cluster', { name: 'ok' })).name, 'ok');
});
