import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, unpackAny, type DiscoveryRequest, type DiscoveryResponse__Output } from '../../xds/index.js';
import { syncz } from './debug-syncz.js';
import { node, startTestAds, type TestAds } from './testing-ads.js';

const SIDECAR = 'sidecar~10.0.0.1~reviews-v1.default~default.svc.cluster.local';

function names(res: DiscoveryResponse__Output): string[] {
  return res.resources.map((r) => {
    const m = unpackAny<{ name?: string; cluster_name?: string }>(r);
    return m.name || m.cluster_name || '';
  });
}

/** The request that ACKs (or with `error`, NACKs) `res`, asking for `resourceNames`. */
function reply(res: DiscoveryResponse__Output, resourceNames: string[] = [], error?: string): DiscoveryRequest {
  return {
    type_url: res.type_url,
    version_info: res.version_info,
    response_nonce: res.nonce,
    resource_names: resourceNames,
    ...(error ? { error_detail: { code: 3, message: error } } : {}),
  };
}

async function withAds(fn: (ads: TestAds) => Promise<void>): Promise<void> {
  const ads = await startTestAds();
  try {
    await fn(ads);
  } finally {
    await ads.close();
  }
}

test('Should refuse a stream whose first request has no node, with INVALID_ARGUMENT', () =>
  withAds(async (ads) => {
    const s = ads.sotw();
    s.send({ type_url: CLUSTER_TYPE });
    const st = await s.status();
    assert.equal(st.code, status.INVALID_ARGUMENT);
    assert.match(st.details, /node with an id/);
    assert.equal(ads.server.connections().length, 0);
  }));

test('Should refuse a node the proxy parser rejects, with INVALID_ARGUMENT and the reason', () =>
  withAds(async (ads) => {
    const s = ads.sotw();
    s.send({ node: node('gizmo~10.0.0.1~x.default~default.svc.cluster.local'), type_url: CLUSTER_TYPE });
    const st = await s.status();
    assert.equal(st.code, status.INVALID_ARGUMENT);
    assert.match(st.details, /unknown proxy type "gizmo"/);
  }));

test('Should answer a first CDS request with an empty name list with every cluster', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    ads.set(CLUSTER_TYPE, 'b');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
    const res = await s.next();
    assert.equal(res.type_url, CLUSTER_TYPE);
    assert.equal(res.version_info, 'v1');
    assert.ok(res.nonce);
    assert.deepEqual(names(res), ['a', 'b']);
  }));

test('Should keep a wildcard subscription through ACKs that repeat the empty name list', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
    s.send(reply(await s.next()));
    assert.deepEqual(await s.sync(), [], 'the ACK is not answered');
    ads.set(CLUSTER_TYPE, 'b');
    await ads.pushNow(true);
    assert.deepEqual(names(await s.next()), ['a', 'b']);
  }));

test('Should take an empty name list after named resources as unsubscribing from everything', () =>
  withAds(async (ads) => {
    ads.set(ENDPOINT_TYPE, 'a');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: ENDPOINT_TYPE, resource_names: ['a'] });
    const eds = await s.next();
    assert.deepEqual(names(eds), ['a']);
    s.send(reply(eds, []));
    assert.deepEqual(await s.sync(), []);
    ads.set(ENDPOINT_TYPE, 'a', 1);
    await ads.pushNow(true);
    assert.deepEqual(await s.sync(), [], 'nothing is pushed for an unsubscribed type');
    assert.deepEqual(syncz(ads.server.connections()).proxies[0]?.xds['EDS']?.subscribed, []);
  }));

test('Should send only the subscribed names of EDS and of a listener asked for by name', () =>
  withAds(async (ads) => {
    for (const n of ['a', 'b', 'c']) ads.set(ENDPOINT_TYPE, n);
    for (const n of ['echo:7070', 'other:80']) ads.set(LISTENER_TYPE, n);
    const s = ads.sotw();
    s.send({ node: node('grpc-client', { GENERATOR: 'grpc' }), type_url: LISTENER_TYPE, resource_names: ['echo:7070'] });
    assert.deepEqual(names(await s.next()), ['echo:7070']);
    s.send({ type_url: ENDPOINT_TYPE, resource_names: ['c', 'a'] });
    assert.deepEqual(names(await s.next()), ['a', 'c']);
  }));

test('Should answer a request that subscribes to more names, and only then', () =>
  withAds(async (ads) => {
    for (const n of ['a', 'b']) ads.set(ENDPOINT_TYPE, n);
    ads.set(LISTENER_TYPE, 'l');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: ENDPOINT_TYPE, resource_names: ['a'] });
    const first = await s.next();
    s.send(reply(first, ['a', 'b']));
    const second = await s.next();
    assert.deepEqual(names(second), ['a', 'b']);
    assert.notEqual(second.nonce, first.nonce);
    s.send(reply(second, ['b']));
    assert.deepEqual(await s.sync(), [], 'dropping a name is not answered');
  }));

test('Should record an ACK when a request carries the last nonce and no error', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    ads.set(LISTENER_TYPE, 'l');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
    const cds = await s.next();
    s.send(reply(cds));
    s.send({ type_url: LISTENER_TYPE });
    assert.equal((await s.next()).type_url, LISTENER_TYPE);
    const status = syncz(ads.server.connections()).proxies[0];
    assert.equal(status?.xds['CDS']?.state, 'SYNCED');
    assert.equal(status?.xds['CDS']?.acked?.version, cds.version_info);
    assert.equal(status?.xds['LDS']?.state, 'STALE');
  }));

test('Should record a NACK, log it, and not push the rejected config again', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    ads.set(LISTENER_TYPE, 'l');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
    const cds = await s.next();
    s.send(reply(cds, [], 'clusters[0].connect_timeout: too short'));
    assert.deepEqual(await s.sync(), [], 'the NACK itself is not answered');
    await ads.pushNow(true);
    await ads.pushNow(true);
    assert.deepEqual(await s.sync(), [], 'pushes do not repeat the rejected clusters');
    const status = syncz(ads.server.connections()).proxies[0];
    assert.equal(status?.xds['CDS']?.state, 'NACKED');
    assert.equal(status?.xds['CDS']?.nack?.message, 'clusters[0].connect_timeout: too short');
    assert.equal(status?.xds['CDS']?.nack?.version, 'v1');
    assert.equal(status?.xds['CDS']?.sent?.nonce, cds.nonce, 'the same clusters were not sent again');
    const warning = ads.logs.find((l) => l.level === 40 && String(l.msg).includes('NACK'));
    assert.equal(warning?.proxy, SIDECAR);
    assert.equal(warning?.type, 'CDS');
    assert.equal(warning?.error, 'clusters[0].connect_timeout: too short');
  }));

test('Should push a changed config after a NACK, and show it synced once ACKed', () =>
  withAds(async (ads) => {
    ads.set(CLUSTER_TYPE, 'a');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: CLUSTER_TYPE });
    s.send(reply(await s.next(), [], 'bad cluster'));
    assert.deepEqual(await s.sync(), []);
    assert.equal(syncz(ads.server.connections()).proxies[0]?.xds['CDS']?.state, 'NACKED');
    ads.set(CLUSTER_TYPE, 'a', 1);
    await ads.pushNow(true);
    const fixed = await s.next();
    assert.equal(fixed.version_info, 'v2');
    s.send(reply(fixed));
    assert.deepEqual(await s.sync(), []);
    assert.equal(syncz(ads.server.connections()).proxies[0]?.xds['CDS']?.state, 'SYNCED');
  }));

test('Should ignore a request that carries a stale nonce', () =>
  withAds(async (ads) => {
    ads.set(ENDPOINT_TYPE, 'a');
    ads.set(ENDPOINT_TYPE, 'b');
    ads.set(LISTENER_TYPE, 'l');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: ENDPOINT_TYPE, resource_names: ['a'] });
    const first = await s.next();
    ads.set(ENDPOINT_TYPE, 'a', 1);
    await ads.pushNow(false);
    const second = await s.next();
    s.send(reply(first, ['a', 'b'], 'late NACK of the first response'));
    assert.deepEqual(await s.sync(), [], 'nothing answered the stale request');
    const eds = syncz(ads.server.connections()).proxies[0]?.xds['EDS'];
    assert.equal(eds?.state, 'STALE');
    assert.equal(eds?.nack, undefined);
    assert.deepEqual(eds?.subscribed, ['a']);
    assert.equal(eds?.sent?.nonce, second.nonce);
  }));

test('Should push clusters, endpoints, listeners and routes in that order on a full push', () =>
  withAds(async (ads) => {
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: ROUTE_TYPE, resource_names: ['r'] });
    s.send({ type_url: LISTENER_TYPE });
    s.send({ type_url: ENDPOINT_TYPE, resource_names: ['c'] });
    s.send({ type_url: CLUSTER_TYPE });
    const initial = await s.sync();
    assert.deepEqual(initial.map((r) => r.type_url), [ROUTE_TYPE, LISTENER_TYPE, ENDPOINT_TYPE, CLUSTER_TYPE], 'first requests are answered as they come');
    ads.set(CLUSTER_TYPE, 'c');
    ads.set(ENDPOINT_TYPE, 'c');
    ads.set(LISTENER_TYPE, 'l', 1);
    ads.set(ROUTE_TYPE, 'r');
    await ads.pushNow(true);
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await s.next()).type_url);
    assert.deepEqual(order, [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE]);
  }));
