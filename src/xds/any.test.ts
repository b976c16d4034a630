import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packAny, setStrictEncoding, unpackAny, XdsMessageError } from './any.js';

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
