import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import type { DiscoveryRequest__Output } from '../../xds/ads-service.js';
import { structToJson } from '../../xds/struct.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/type-urls.js';
import { createLogger } from '../../log/index.js';
import type { ProxyConfig } from './proxy-config.js';
import { assignment, cluster, listener, routeConfig } from './fixture-resources.js';
import { FakeTimers, startFakeAds, type FakeAds } from './testing.js';
import { createXdsClient, type XdsClient } from './xds-client.js';

const NODE = { id: 'sidecar~127.0.0.2~app-v1.default~default.svc.cluster.local', cluster: 'app.default', metadata: { NAMESPACE: 'default', LABELS: { app: 'app' } } };
const quiet = createLogger({ level: 'silent', format: 'json' });

interface Harness {
  ads: FakeAds;
  client: XdsClient;
  timers: FakeTimers;
  snapshots: ProxyConfig[];
}

async function start(ads?: FakeAds): Promise<Harness> {
  const server = ads ?? (await startFakeAds());
  const timers = new FakeTimers(0);
  const client = createXdsClient({
    server: server.address,
    node: NODE,
    timers,
    logger: quiet,
    channelOptions: { 'grpc.initial_reconnect_backoff_ms': 20, 'grpc.max_reconnect_backoff_ms': 50 },
  });
  const snapshots: ProxyConfig[] = [];
  client.onUpdate((c) => snapshots.push(c));
  return { ads: server, client, timers, snapshots };
}

async function stop(h: Harness): Promise<void> {
  h.client.close();
  await h.ads.close();
}

function respond(ads: FakeAds, typeUrl: string, version: string, nonce: string, resources: AnyMessage[]): void {
  ads.send({ type_url: typeUrl, version_info: version, nonce, resources });
}

const isType = (typeUrl: string, nonce = '') => (r: DiscoveryRequest__Output) => r.type_url === typeUrl && r.response_nonce === nonce;

/** Waits until `check` holds for the client's snapshots, polling every 10 ms for at most 5 s. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`${what} did not happen within 5 s`);
}

test('Should open with wildcard CDS and LDS requests carrying the node', async () => {
  const h = await start();
  try {
    const cds = await h.ads.next(isType(CLUSTER_TYPE));
    assert.equal(cds.node?.id, NODE.id);
    assert.equal(structToJson(cds.node?.metadata).NAMESPACE, 'default');
    assert.deepEqual(cds.resource_names, []);
    assert.equal(cds.version_info, '');
    const lds = await h.ads.next(isType(LISTENER_TYPE));
    assert.deepEqual(lds.resource_names, []);
  } finally {
    await stop(h);
  }
});

test('Should ACK a valid CDS update and warm its EDS cluster until the assignment arrives', async () => {
  const h = await start();
  try {
    await h.ads.next(isType(CLUSTER_TYPE));
    respond(h.ads, CLUSTER_TYPE, 'v1', 'n1', [cluster('a'), cluster('static', { type: 'STATIC' })]);
    const ack = await h.ads.next(isType(CLUSTER_TYPE, 'n1'));
    assert.equal(ack.version_info, 'v1');
    assert.deepEqual(ack.resource_names, []);
    assert.equal(ack.error_detail, null);
    const eds = await h.ads.next(isType(ENDPOINT_TYPE));
    assert.deepEqual(eds.resource_names, ['a']);
    await until('the static cluster is applied', () => h.client.current?.clusters.has('static') === true);
    assert.equal(h.client.current?.clusters.has('a'), false, 'an EDS cluster is not served before its endpoints');

    respond(h.ads, ENDPOINT_TYPE, 'e1', 'n2', [assignment('a', [8080])]);
    const edsAck = await h.ads.next(isType(ENDPOINT_TYPE, 'n2'));
    assert.deepEqual(edsAck.resource_names, ['a']);
    assert.equal(edsAck.version_info, 'e1');
    await until('the EDS cluster is applied', () => h.client.current?.clusters.has('a') === true);
    assert.equal(h.client.current?.endpoints.get('a')?.localities[0]?.endpoints[0]?.port, 8080);
    assert.equal(h.client.current?.ready, false, 'not ready before LDS');
  } finally {
    await stop(h);
  }
});

test('Should not emit a listener before its route configuration, then become ready', async () => {
  const h = await start();
  try {
    await h.ads.next(isType(CLUSTER_TYPE));
    respond(h.ads, CLUSTER_TYPE, 'v1', 'c1', [cluster('static', { type: 'STATIC' })]);
    respond(h.ads, LISTENER_TYPE, 'l1', 'l1', [listener('web', 8080, '8080')]);
    const rds = await h.ads.next(isType(ROUTE_TYPE));
    assert.deepEqual(rds.resource_names, ['8080']);
    await h.ads.next(isType(LISTENER_TYPE, 'l1'));
    assert.ok(h.snapshots.every((s) => !s.listeners.has('web')), 'the listener waits for its routes');

    respond(h.ads, ROUTE_TYPE, 'r1', 'r1', [routeConfig('8080', 'static')]);
    await until('the listener is applied', () => h.client.current?.listeners.has('web') === true);
    const s = h.client.current;
    assert.equal(s?.routes.get('8080')?.virtualHosts[0]?.routes[0]?.action.kind, 'route');
    assert.equal(s?.ready, true);
    for (const snap of h.snapshots) for (const l of snap.listeners.keys()) assert.ok(snap.routes.has('8080'), `snapshot ${snap.version} has listener ${l} without its routes`);
    assert.ok(Object.isFrozen(s));
  } finally {
    await stop(h);
  }
});

test('Should keep the last good cluster after an invalid CDS update', async () => {
  const h = await start();
  try {
    await h.ads.next(isType(CLUSTER_TYPE));
    respond(h.ads, CLUSTER_TYPE, 'v1', 'n1', [cluster('s', { type: 'STATIC', connectSeconds: 1 })]);
    await h.ads.next(isType(CLUSTER_TYPE, 'n1'));
    await until('the cluster is applied', () => h.client.current?.clusters.get('s')?.connectTimeoutMs === 1000);
    const version = h.client.current?.version;

    respond(h.ads, CLUSTER_TYPE, 'v2', 'n2', [cluster('s', { type: 'STATIC', connectSeconds: 2 }), cluster('bad', { type: 'STATIC', lbPolicy: 'LOAD_BALANCING_POLICY_CONFIG' })]);
    const nack = await h.ads.next(isType(CLUSTER_TYPE, 'n2'));
    assert.equal(nack.version_info, 'v1', 'a NACK carries the last accepted version');
    assert.equal(nack.error_detail?.code, 3);
    assert.match(nack.error_detail?.message ?? '', /^CDS bad: lb_policy: unsupported load balancing policy LOAD_BALANCING_POLICY_CONFIG$/);
    assert.equal(h.client.current?.version, version, 'nothing of the rejected response is applied');
    assert.equal(h.client.current?.clusters.get('s')?.connectTimeoutMs, 1000);
    assert.equal(h.client.current?.clusters.has('bad'), false);
    const status = h.client.status();
    assert.equal(status.types.CDS?.version, 'v1');
    assert.equal(status.types.CDS?.nonce, 'n2');
    assert.match(status.types.CDS?.lastNackError ?? '', /lb_policy/);
    assert.equal(status.connected, true);

    respond(h.ads, CLUSTER_TYPE, 'v3', 'n3', [cluster('s', { type: 'STATIC', connectSeconds: 3 })]);
    await h.ads.next(isType(CLUSTER_TYPE, 'n3'));
    await until('the fixed update is applied', () => h.client.current?.clusters.get('s')?.connectTimeoutMs === 3000);
    assert.equal(h.client.status().types.CDS?.lastNackError, undefined);
  } finally {
    await stop(h);
  }
});

test('Should drop clusters a CDS response no longer lists, with their endpoints and EDS subscription', async () => {
  const h = await start();
  try {
    await h.ads.next(isType(CLUSTER_TYPE));
    respond(h.ads, CLUSTER_TYPE, 'v1', 'n1', [cluster('a'), cluster('b')]);
    await h.ads.next((r) => r.type_url === ENDPOINT_TYPE && r.resource_names.length === 2);
    respond(h.ads, ENDPOINT_TYPE, 'e1', 'n2', [assignment('a', [1]), assignment('b', [2]), assignment('unasked', [3])]);
    await until('both clusters are applied', () => h.client.current?.clusters.size === 2);
    assert.equal(h.client.current?.endpoints.has('unasked'), false, 'EDS resources nobody asked for are ignored');

    respond(h.ads, CLUSTER_TYPE, 'v2', 'n3', [cluster('b')]);
    const eds = await h.ads.next((r) => r.type_url === ENDPOINT_TYPE && r.resource_names.length === 1);
    assert.deepEqual(eds.resource_names, ['b']);
    assert.equal(eds.version_info, 'e1');
    assert.equal(eds.response_nonce, 'n2');
    await until('cluster a is dropped', () => h.client.current?.clusters.has('a') === false);
    assert.deepEqual([...(h.client.current?.endpoints.keys() ?? [])], ['b']);
  } finally {
    await stop(h);
  }
});

test('Should activate a warming cluster without endpoints after the warming timeout', async () => {
  const h = await start();
  try {
    await h.ads.next(isType(CLUSTER_TYPE));
    respond(h.ads, CLUSTER_TYPE, 'v1', 'n1', [cluster('a')]);
    await h.ads.next(isType(ENDPOINT_TYPE));
    assert.deepEqual(h.timers.pending(), [15_000]);
    assert.equal(h.snapshots.length, 0, 'nothing is served while the only cluster warms');
    assert.equal(h.timers.fire((ms) => ms === 15_000), 1);
    assert.equal(h.client.current?.clusters.has('a'), true);
    assert.equal(h.client.current?.endpoints.has('a'), false);
  } finally {
    await stop(h);
  }
});

test('Should keep serving and reconnect with backoff after the server restarts', async () => {
  const h = await start();
  let ads = h.ads;
  try {
    await ads.next(isType(CLUSTER_TYPE));
    respond(ads, CLUSTER_TYPE, 'v1', 'n1', [cluster('s', { type: 'STATIC' })]);
    respond(ads, LISTENER_TYPE, 'l1', 'n2', []);
    await ads.next(isType(LISTENER_TYPE, 'n2'));
    await until('the config is ready', () => h.client.current?.ready === true);
    const port = ads.port;

    await ads.close();
    await until('a reconnect is scheduled', () => h.timers.pending().length === 1);
    assert.deepEqual(h.timers.pending(), [500], 'the first retry waits the initial backoff');
    assert.equal(h.client.status().connected, false);
    assert.equal(h.client.current?.clusters.has('s'), true, 'the last config keeps serving');

    h.timers.fire(() => true);
    await until('the failed attempt schedules a longer retry', () => h.timers.pending().length === 1);
    assert.deepEqual(h.timers.pending(), [1000], 'the backoff doubles');

    ads = await startFakeAds(port);
    let resumed: DiscoveryRequest__Output | undefined;
    for (let attempt = 0; attempt < 20 && !resumed; attempt++) {
      h.timers.fire(() => true);
      resumed = await ads.next(isType(CLUSTER_TYPE), 300).catch(() => undefined);
      if (!resumed) await until('another retry is scheduled', () => h.timers.pending().length === 1);
    }
    assert.ok(resumed, 'the client reconnected');
    assert.equal(resumed.version_info, 'v1', 'it resumes from the accepted version');
    assert.equal(resumed.node?.id, NODE.id);
    const lds = await ads.next(isType(LISTENER_TYPE));
    assert.equal(lds.version_info, 'l1');
    respond(ads, CLUSTER_TYPE, 'v2', 'm1', [cluster('s', { type: 'STATIC' }), cluster('t', { type: 'STATIC' })]);
    await until('the new stream applies updates', () => h.client.current?.clusters.has('t') === true);
    assert.equal(h.client.status().connected, true);
  } finally {
    h.client.close();
    await ads.close();
  }
});
