import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/type-urls.js';
import { ConfigStore } from './config-store.js';
import { assignment, cluster, listener, routeConfig } from './fixture-resources.js';
import type { ProxyConfig } from './proxy-config.js';
import { decodeBatch, type SidecarResource, type SidecarTypeUrl } from './resource-decoders.js';
import { FakeTimers } from './testing.js';

function resources(typeUrl: SidecarTypeUrl, anys: AnyMessage[]): Map<string, SidecarResource> {
  const batch = decodeBatch(typeUrl, anys.map((any) => ({ any })));
  assert.ok(batch.valid, batch.valid ? '' : batch.message);
  return batch.resources;
}

function createStore(): { store: ConfigStore; timers: FakeTimers; snapshots: ProxyConfig[] } {
  const timers = new FakeTimers();
  const snapshots: ProxyConfig[] = [];
  return { store: new ConfigStore(timers, 15_000, (c) => snapshots.push(c)), timers, snapshots };
}

test('Should hold a listener while any cluster is still warming', () => {
  const { store, snapshots } = createStore();
  store.apply(CLUSTER_TYPE, resources(CLUSTER_TYPE, [cluster('a')]), [], true);
  store.apply(LISTENER_TYPE, resources(LISTENER_TYPE, [listener('web', 80, '80')]), [], true);
  store.apply(ROUTE_TYPE, resources(ROUTE_TYPE, [routeConfig('80', 'a')]), [], false);
  assert.ok(snapshots.every((x) => !x.listeners.has('web') && !x.clusters.has('a') && !x.ready), 'nothing is served while cluster a warms');
  store.apply(ENDPOINT_TYPE, resources(ENDPOINT_TYPE, [assignment('a', [1])]), [], false);
  const s = snapshots.at(-1);
  assert.ok(snapshots.slice(0, -1).every((x) => !x.listeners.has('web')), 'the cluster and the listener arrive in one snapshot');
  assert.ok(s?.clusters.has('a') && s.listeners.has('web') && s.routes.has('80'));
  assert.equal(s?.ready, true);
});

test('Should serve an empty route config for a listener whose routes never came', () => {
  const { store, timers, snapshots } = createStore();
  store.apply(CLUSTER_TYPE, resources(CLUSTER_TYPE, []), [], true);
  store.apply(LISTENER_TYPE, resources(LISTENER_TYPE, [listener('web', 80, '80')]), [], true);
  assert.equal(snapshots.at(-1)?.listeners.has('web') ?? false, false);
  assert.equal(timers.fire((ms) => ms === 15_000), 1);
  const s = snapshots.at(-1);
  assert.equal(s?.listeners.has('web'), true);
  assert.deepEqual(s?.routes.get('80')?.virtualHosts, []);
  assert.equal(s?.ready, true);
});

test('Should keep serving the old version of a changed listener until its new routes arrive', () => {
  const { store, snapshots } = createStore();
  store.apply(CLUSTER_TYPE, resources(CLUSTER_TYPE, [cluster('s', { type: 'STATIC' })]), [], true);
  store.apply(LISTENER_TYPE, resources(LISTENER_TYPE, [listener('web', 80, '80')]), [], true);
  store.apply(ROUTE_TYPE, resources(ROUTE_TYPE, [routeConfig('80', 's')]), [], false);
  const before = snapshots.length;
  store.apply(LISTENER_TYPE, resources(LISTENER_TYPE, [listener('web', 80, '81')]), [], true);
  assert.equal(snapshots.length, before, 'the changed listener warms');
  assert.deepEqual(store.rdsNames(), ['80', '81']);
  store.apply(ROUTE_TYPE, resources(ROUTE_TYPE, [routeConfig('81', 's')]), [], false);
  const s = snapshots.at(-1);
  const network = s?.listeners.get('web')?.filterChains[0]?.network;
  assert.equal(network?.kind === 'http' ? network.hcm.rdsRouteConfigName : undefined, '81');
  assert.deepEqual([...(s?.routes.keys() ?? [])], ['81'], 'the old route config is dropped once nothing uses it');
});

test('Should not emit a snapshot for an update that changes nothing', () => {
  const { store, snapshots } = createStore();
  store.apply(CLUSTER_TYPE, resources(CLUSTER_TYPE, [cluster('s', { type: 'STATIC' })]), [], true);
  const count = snapshots.length;
  store.apply(CLUSTER_TYPE, resources(CLUSTER_TYPE, [cluster('s', { type: 'STATIC' })]), [], true);
  assert.equal(snapshots.length, count);
});
