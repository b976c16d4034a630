import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import type { DeltaDiscoveryRequest__Output } from '../../xds/ads-service.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE } from '../../xds/type-urls.js';
import { createLogger } from '../../log/index.js';
import { assignment, cluster } from './fixture-resources.js';
import { FakeTimers, startFakeAds, type FakeAds } from './testing.js';
import { createXdsClient, type XdsClient } from './xds-client.js';

const NODE = { id: 'sidecar~127.0.0.2~app-v1.default~default.svc.cluster.local', cluster: 'app.default', metadata: { NAMESPACE: 'default' } };
const quiet = createLogger({ level: 'silent', format: 'json' });

type Req = DeltaDiscoveryRequest__Output;

function respond(ads: FakeAds, typeUrl: string, nonce: string, resources: Array<[string, string, AnyMessage]>, removed: string[] = []): void {
  ads.send({ type_url: typeUrl, system_version_info: nonce, nonce, resources: resources.map(([name, version, resource]) => ({ name, version, resource })), removed_resources: removed });
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`${what} did not happen within 5 s`);
}

test('Should subscribe, ACK, NACK, apply removals and resume with initial_resource_versions over Delta', async () => {
  let ads = await startFakeAds();
  const timers = new FakeTimers(0);
  const client: XdsClient = createXdsClient({
    server: ads.address,
    node: NODE,
    delta: true,
    timers,
    logger: quiet,
    channelOptions: { 'grpc.initial_reconnect_backoff_ms': 20, 'grpc.max_reconnect_backoff_ms': 50 },
  });
  try {
    const cds = await ads.next<Req>((r) => r.type_url === CLUSTER_TYPE);
    assert.equal(cds.node?.id, NODE.id);
    assert.deepEqual(cds.resource_names_subscribe, []);
    await ads.next<Req>((r) => r.type_url === LISTENER_TYPE);

    respond(ads, CLUSTER_TYPE, 'd1', [['a', '1', cluster('a')], ['b', '1', cluster('b', { type: 'STATIC' })]]);
    const ack = await ads.next<Req>((r) => r.type_url === CLUSTER_TYPE && r.response_nonce === 'd1');
    assert.equal(ack.error_detail, null);
    const eds = await ads.next<Req>((r) => r.type_url === ENDPOINT_TYPE);
    assert.deepEqual(eds.resource_names_subscribe, ['a']);
    respond(ads, ENDPOINT_TYPE, 'd2', [['a', '7', assignment('a', [9000])]]);
    await until('cluster a is warm', () => client.current?.clusters.has('a') === true);
    assert.equal(client.status().protocol, 'delta');

    respond(ads, CLUSTER_TYPE, 'd3', [['c', '1', cluster('c', { lbPolicy: 'LOAD_BALANCING_POLICY_CONFIG' })]]);
    const nack = await ads.next<Req>((r) => r.type_url === CLUSTER_TYPE && r.response_nonce === 'd3');
    assert.equal(nack.error_detail?.code, 3);
    assert.match(nack.error_detail?.message ?? '', /^CDS c: lb_policy: /);
    assert.equal(client.current?.clusters.has('c'), false);

    respond(ads, CLUSTER_TYPE, 'd4', [], ['a']);
    const unsubscribe = await ads.next<Req>((r) => r.type_url === ENDPOINT_TYPE && r.resource_names_unsubscribe.length > 0);
    assert.deepEqual(unsubscribe.resource_names_unsubscribe, ['a']);
    await until('cluster a is removed', () => client.current?.clusters.has('a') === false);
    assert.deepEqual([...(client.current?.clusters.keys() ?? [])], ['b']);
    assert.equal(client.current?.endpoints.size, 0);

    const port = ads.port;
    await ads.close();
    await until('a reconnect is scheduled', () => timers.pending().length === 1);
    ads = await startFakeAds(port);
    let resumed: Req | undefined;
    for (let attempt = 0; attempt < 20 && !resumed; attempt++) {
      timers.fire(() => true);
      resumed = await ads.next<Req>((r) => r.type_url === CLUSTER_TYPE, 300).catch(() => undefined);
      if (!resumed) await until('another retry is scheduled', () => timers.pending().length === 1);
    }
    assert.ok(resumed, 'the client reconnected');
    assert.deepEqual(resumed.initial_resource_versions, { b: '1' });
  } finally {
    client.close();
    await ads.close();
  }
});
