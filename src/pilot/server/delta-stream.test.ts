import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_TYPE, ENDPOINT_TYPE, type DeltaDiscoveryRequest, type DeltaDiscoveryResponse__Output } from '../../xds/index.js';
import { syncz } from './debug-syncz.js';
import { resourceVersion } from './resource-version.js';
import { fakeResource } from './testing.js';
import { node, startTestAds, type TestAds } from './testing-ads.js';

const SIDECAR = 'sidecar~10.0.0.1~reviews-v1.default~default.svc.cluster.local';

function ack(res: DeltaDiscoveryResponse__Output, error?: string): DeltaDiscoveryRequest {
  return { type_url: res.type_url, response_nonce: res.nonce, ...(error ? { error_detail: { code: 3, message: error } } : {}) };
}

const names = (res: DeltaDiscoveryResponse__Output | undefined): string[] => (res?.resources ?? []).map((r) => r.name);

async function withAds(fn: (ads: TestAds) => Promise<void>): Promise<void> {
  const ads = await startTestAds();
  try {
    await fn(ads);
  } finally {
    await ads.close();
  }
}

test('Should send every cluster on a first wildcard delta request, then only what changed', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    ads.set(CLUSTER_TYPE, 'b');
    const s = ads.delta();
    s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
    const first = await s.next();
    assert.deepEqual(names(first), ['a', 'b']);
    assert.equal(first.system_version_info, 'v1');
    assert.equal(first.resources[0]?.version, resourceVersion(fakeResource(CLUSTER_TYPE, 'a')));
    s.send(ack(first));
    ads.set(CLUSTER_TYPE, 'b', 1);
    ads.set(CLUSTER_TYPE, 'c');
    await ads.pushNow(true);
    const [pushed, ...rest] = await s.sync();
    assert.deepEqual(names(pushed), ['b', 'c']);
    assert.deepEqual(pushed?.removed_resources, []);
    assert.deepEqual(rest, []);
  }));

test('Should name removed resources in removed_resources', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    ads.set(CLUSTER_TYPE, 'b');
    const s = ads.delta();
    s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
    s.send(ack(await s.next()));
    ads.remove(CLUSTER_TYPE, 'a');
    await ads.pushNow(true);
    const [pushed] = await s.sync();
    assert.deepEqual(names(pushed), []);
    assert.deepEqual(pushed?.removed_resources, ['a']);
  }));

test('Should not resend resources the proxy already holds at the versions it reports', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    ads.set(CLUSTER_TYPE, 'b');
    const s = ads.delta();
    s.send({
      node: node(SIDECAR),
      type_url: CLUSTER_TYPE,
      initial_resource_versions: { a: resourceVersion(fakeResource(CLUSTER_TYPE, 'a')), b: 'old', gone: 'x' },
    });
    const first = await s.next();
    assert.deepEqual(names(first), ['b']);
    assert.deepEqual(first.removed_resources, ['gone']);
  }));

test('Should answer a new subscription at once and forget unsubscribed names', () =>
  withAds(async (ads) => {
    for (const n of ['a', 'b']) ads.set(ENDPOINT_TYPE, n);
    const s = ads.delta();
    s.send({ node: node(SIDECAR), type_url: ENDPOINT_TYPE, resource_names_subscribe: ['a'] });
    const first = await s.next();
    assert.deepEqual(names(first), ['a']);
    s.send({ ...ack(first), resource_names_subscribe: ['b'] });
    assert.deepEqual(names(await s.next()), ['b']);
    s.send({ type_url: ENDPOINT_TYPE, resource_names_unsubscribe: ['a'] });
    assert.deepEqual(await s.sync(), [], 'an unsubscribe is not answered');
    ads.set(ENDPOINT_TYPE, 'a', 1);
    ads.set(ENDPOINT_TYPE, 'b', 1);
    await ads.pushNow(false);
    const [pushed] = await s.sync();
    assert.deepEqual(names(pushed), ['b']);
    assert.deepEqual(pushed?.removed_resources, [], 'no removal for a name the proxy dropped itself');
  }));

test('Should record a delta NACK and not resend the rejected resource', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    const s = ads.delta();
    s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
    s.send(ack(await s.next(), 'a: bad lb_policy'));
    await ads.pushNow(true);
    assert.deepEqual(await s.sync(), []);
    const cds = syncz(ads.server.connections()).proxies[0]?.xds['CDS'];
    assert.equal(cds?.state, 'NACKED');
    assert.equal(cds?.nack?.message, 'a: bad lb_policy');
    assert.equal(syncz(ads.server.connections()).proxies[0]?.protocol, 'delta');
  }));
