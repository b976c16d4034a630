import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, SECRET_TYPE, unpackAny, type DiscoveryRequest, type DiscoveryResponse__Output } from '../../xds/index.js';
import type { Proxy } from '../model/proxy.js';
import { generatorKey } from './generator-lookup.js';
import { fakeGenerator, fakeGenerators } from './testing.js';
import { node, startTestAds, SYNC_TYPE, type TestAds } from './testing-ads.js';

const SIDECAR = 'sidecar~10.0.0.1~reviews-v1.default~default.svc.cluster.local';
const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const RATINGS = 'outbound|9080||ratings.default.svc.cluster.local';

function ack(res: DiscoveryResponse__Output, resourceNames: string[] = []): DiscoveryRequest {
  return { type_url: res.type_url, version_info: res.version_info, response_nonce: res.nonce, resource_names: resourceNames };
}

async function withAds(fn: (ads: TestAds) => Promise<void>, overrides?: Parameters<typeof startTestAds>[0]): Promise<void> {
  const ads = await startTestAds(overrides);
  try {
    await fn(ads);
  } finally {
    await ads.close();
  }
}

/** Subscribes to CDS (wildcard) and EDS for `clusters`, and ACKs both. */
async function subscribeClustersAndEndpoints(ads: TestAds, clusters: string[]) {
  const s = ads.sotw();
  s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
  s.send(ack(await s.next()));
  s.send({ type_url: ENDPOINT_TYPE, resource_names: clusters });
  s.send(ack(await s.next(), clusters));
  assert.deepEqual(await s.sync(), []);
  return s;
}

test('Should push only EDS when only endpoints changed', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, REVIEWS);
    ads.set(ENDPOINT_TYPE, REVIEWS);
    const s = await subscribeClustersAndEndpoints(ads, [REVIEWS]);
    const contexts = ads.pushContexts();
    ads.set(CLUSTER_TYPE, REVIEWS, 1);
    ads.set(ENDPOINT_TYPE, REVIEWS, 1);
    await ads.pushNow(false, ['reviews.default.svc.cluster.local']);
    assert.deepEqual((await s.sync()).map((r) => r.type_url), [ENDPOINT_TYPE]);
    assert.equal(ads.pushContexts(), contexts + 1, 'every push, EDS-only too, is generated from a new push context');
  }));

test('Should not push EDS to a proxy that watches no cluster of the changed hosts', () =>
  withAds(async (ads) => {
    ads.set(ENDPOINT_TYPE, REVIEWS);
    ads.set(ENDPOINT_TYPE, RATINGS);
    const s = await subscribeClustersAndEndpoints(ads, [REVIEWS]);
    ads.set(ENDPOINT_TYPE, REVIEWS, 1);
    await ads.pushNow(false, ['ratings.default.svc.cluster.local']);
    assert.deepEqual(await s.sync(), []);
    assert.equal(ads.calls.filter((c) => c.includes(ENDPOINT_TYPE)).length, 1, 'EDS was not even generated');
  }));

test('Should not resend a type whose resources did not change', () =>
  withAds(async (ads) => {
    ads.set(LISTENER_TYPE, 'l');
    ads.set(CLUSTER_TYPE, 'c');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: LISTENER_TYPE });
    s.send(ack(await s.next()));
    s.send({ type_url: CLUSTER_TYPE });
    s.send(ack(await s.next()));
    ads.set(LISTENER_TYPE, 'l', 1);
    await ads.pushNow(true);
    const pushed = await s.sync();
    assert.deepEqual(pushed.map((r) => r.type_url), [LISTENER_TYPE]);
    assert.equal(pushed[0]?.version_info, 'v2');
  }));

test('Should resend EDS after pushing clusters even when the endpoints are unchanged', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, REVIEWS);
    ads.set(ENDPOINT_TYPE, REVIEWS);
    const s = await subscribeClustersAndEndpoints(ads, [REVIEWS]);
    ads.set(CLUSTER_TYPE, REVIEWS, 1);
    await ads.pushNow(true);
    assert.deepEqual((await s.sync()).map((r) => r.type_url), [CLUSTER_TYPE, ENDPOINT_TYPE]);
  }));

test('Should merge triggers within the debounce into one push context and one response', () =>
  withAds(async (ads) => {
    ads.set(LISTENER_TYPE, 'l');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: LISTENER_TYPE });
    s.send(ack(await s.next()));
    assert.deepEqual(await s.sync(), []);
    const before = ads.pushContexts();
    ads.set(LISTENER_TYPE, 'l', 1);
    ads.server.push({ full: false, hosts: ['a'], reason: 'endpoints' });
    ads.timers.advance(60);
    ads.server.push({ full: true, reason: 'config' });
    ads.timers.advance(60);
    assert.equal(ads.pushContexts(), before, 'still quiet for less than 100 ms');
    ads.timers.advance(40);
    await ads.server.idle();
    assert.equal(ads.pushContexts(), before + 1);
    assert.deepEqual((await s.sync()).map((r) => r.type_url), [LISTENER_TYPE], 'the merged push was full');
  }));

test('Should call the connection hooks and forget a connection when its stream ends', async () => {
  const events: string[] = [];
  const hooks = { onConnect: (p: Proxy) => events.push(`+${p.id}`), onDisconnect: (p: Proxy) => events.push(`-${p.id}`) };
  await withAds(async (ads) => {
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: SYNC_TYPE, resource_names: ['x'] });
    await s.next();
    assert.equal(ads.server.connections().length, 1);
    assert.deepEqual(events, [`+${SIDECAR}`]);
    s.end();
    assert.equal((await s.status()).code, status.OK);
    assert.equal(ads.server.connections().length, 0);
    assert.deepEqual(events, [`+${SIDECAR}`, `-${SIDECAR}`]);
    const c = ads.sotw();
    c.send({ node: node('router~10.0.0.2~gw.istio-system~istio-system.svc.cluster.local'), type_url: SYNC_TYPE, resource_names: ['y'] });
    await c.next();
    c.cancel();
    await c.status();
    for (let i = 0; i < 50 && ads.server.connections().length > 0; i++) await new Promise((r) => setImmediate(r));
    assert.equal(ads.server.connections().length, 0, 'a cancelled stream is forgotten too');
  }, { hooks });
});

test('Should end every stream with UNAVAILABLE when the server closes', async () => {
  const ads = await startTestAds();
  const s = ads.sotw();
  s.send({ node: node(SIDECAR), type_url: SYNC_TYPE, resource_names: ['x'] });
  await s.next();
  await ads.close();
  assert.equal((await s.status()).code, status.UNAVAILABLE);
});

test('Should generate with the grpc generator for a proxyless client and the bare one for a sidecar', async () => {
  const grpcCalls: string[] = [];
  const generators = new Map([...fakeGenerators(), [generatorKey('grpc', LISTENER_TYPE), fakeGenerator(LISTENER_TYPE, grpcCalls)]]);
  await withAds(
    async (ads) => {
      ads.set(LISTENER_TYPE, 'echo:7070');
      const grpcClient = ads.sotw();
      grpcClient.send({ node: node('client-1', { GENERATOR: 'grpc' }), type_url: LISTENER_TYPE, resource_names: ['echo:7070'] });
      await grpcClient.next();
      const sidecar = ads.sotw();
      sidecar.send({ node: node(SIDECAR), type_url: LISTENER_TYPE });
      await sidecar.next();
      assert.deepEqual(grpcCalls, [`client-1 ${LISTENER_TYPE} echo:7070`]);
    },
    { generators },
  );
});

test('Should not answer a type that has no generator, and log that once', () =>
  withAds(async (ads) => {
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: SECRET_TYPE, resource_names: ['default'] });
    s.send({ type_url: SECRET_TYPE, resource_names: ['default', 'ROOTCA'] });
    assert.deepEqual(await s.sync(), []);
    assert.equal(ads.logs.filter((l) => String(l.msg).startsWith('no generator for SDS')).length, 1);
  }));

test('Should generate one response per type for many connections from one push context', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'c');
    const streams = [];
    for (let i = 0; i < 5; i++) {
      const s = ads.sotw();
      s.send({ node: node(`sidecar~10.0.0.${i}~w${i}.default~default.svc.cluster.local`), type_url: CLUSTER_TYPE });
      s.send(ack(await s.next()));
      streams.push(s);
    }
    const before = ads.pushContexts();
    ads.set(CLUSTER_TYPE, 'c', 1);
    await ads.pushNow(true);
    assert.equal(ads.pushContexts(), before + 1);
    for (const s of streams) {
      const [res] = await s.sync();
      assert.equal(unpackAny<{ connect_timeout: { seconds: string } }>(res?.resources[0] ?? { type_url: '', value: Buffer.alloc(0) }).connect_timeout.seconds, '2');
    }
  }));
