import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, packAny, ROUTE_TYPE } from '../../xds/index.js';
import { configDump, decodeResource } from './debug-config-dump.js';
import { syncz } from './debug-syncz.js';
import type { JsonObject } from '../../xds/struct.js';
import { node, startTestAds } from './testing-ads.js';

const SIDECAR = 'sidecar~10.0.0.1~reviews-v1.default~default.svc.cluster.local';

test('Should show each type as SYNCED, STALE, NACKED or NOT SENT in syncz', async () => {
  const ads = await startTestAds();
  try {
    ads.set(CLUSTER_TYPE, 'c');
    ads.set(LISTENER_TYPE, 'l');
    ads.set(ENDPOINT_TYPE, 'c');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR, { ISTIO_VERSION: '1.22.0' }), type_url: CLUSTER_TYPE });
    const cds = await s.next();
    s.send({ type_url: CLUSTER_TYPE, response_nonce: cds.nonce, version_info: cds.version_info });
    s.send({ type_url: LISTENER_TYPE });
    const lds = await s.next();
    s.send({ type_url: LISTENER_TYPE, response_nonce: lds.nonce, error_detail: { code: 3, message: 'no filter chains' } });
    s.send({ type_url: ENDPOINT_TYPE, resource_names: ['c'] });
    await s.next();
    await s.sync();
    const [status] = syncz(ads.server.connections()).proxies;
    assert.equal(status?.proxy, SIDECAR);
    assert.equal(status?.proxyType, 'sidecar');
    assert.equal(status?.protocol, 'sotw');
    assert.equal(status?.version, 'v1');
    assert.equal(status?.xds['CDS']?.state, 'SYNCED');
    assert.equal(status?.xds['CDS']?.subscribed, '*');
    assert.equal(status?.xds['LDS']?.state, 'NACKED');
    assert.equal(status?.xds['LDS']?.nack?.message, 'no filter chains');
    assert.equal(status?.xds['EDS']?.state, 'STALE');
    assert.deepEqual(status?.xds['EDS']?.subscribed, ['c']);
    assert.equal(status?.xds['RDS']?.state, 'NOT SENT');
    assert.equal(status?.xds['RDS']?.resources, 0);
  } finally {
    await ads.close();
  }
});

test('Should dump what was last sent to a proxy, by type in push order, and refuse an unknown proxy', async () => {
  const ads = await startTestAds();
  try {
    ads.set(LISTENER_TYPE, 'l');
    ads.set(CLUSTER_TYPE, 'c');
    const s = ads.sotw();
    s.send({ node: node(SIDECAR), type_url: LISTENER_TYPE });
    await s.next();
    s.send({ type_url: CLUSTER_TYPE });
    await s.next();
    const result = configDump(ads.server.connections(), SIDECAR);
    assert.ok(result.ok);
    const types = result.dump.configs.map((c) => c.type).filter((t) => t !== 'type.googleapis.com/heddle.test.Sync');
    assert.deepEqual(types, ['CDS', 'LDS']);
    const cluster = result.dump.configs[0]?.resources[0];
    assert.equal(cluster?.name, 'c');
    assert.deepEqual(cluster?.resource, {
      '@type': CLUSTER_TYPE,
      name: 'c',
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {} } },
      connect_timeout: { seconds: '1' },
    });
    const missing = configDump(ads.server.connections(), 'nobody');
    assert.equal(missing.ok, false);
    assert.equal(!missing.ok && missing.code, 'PROXY_NOT_FOUND');
  } finally {
    await ads.close();
  }
});

test('Should decode nested Any configs with their @type and Struct metadata as plain JSON', () => {
  const hcm = packAny('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', {
    stat_prefix: 'outbound_0.0.0.0_9080',
    rds: { route_config_name: '9080', config_source: { ads: {} } },
  });
  const listener = decodeResource(
    packAny('envoy.config.listener.v3.Listener', {
      name: '0.0.0.0_9080',
      filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
    }),
  );
  assert.deepEqual(listener, {
    '@type': LISTENER_TYPE,
    name: '0.0.0.0_9080',
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
              stat_prefix: 'outbound_0.0.0.0_9080',
              rds: { config_source: { ads: {} }, route_config_name: '9080' },
            },
          },
        ],
      },
    ],
  });
  const route = decodeResource(
    packAny('envoy.config.route.v3.RouteConfiguration', {
      name: '9080',
      virtual_hosts: [{
        name: 'reviews:9080',
        domains: ['reviews'],
        routes: [{
          match: { prefix: '/' },
          route: { cluster: 'c' },
          metadata: { filter_metadata: { istio: { fields: { config: { stringValue: '/apis/networking.istio.io/v1alpha3/namespaces/default/virtual-service/reviews' } } } } },
        }],
      }],
    }),
  );
  assert.equal(route['@type'], ROUTE_TYPE);
  const vh = (route['virtual_hosts'] as Array<{ routes: Array<{ metadata: unknown }> }>)[0];
  assert.deepEqual(vh?.routes[0]?.metadata, {
    filter_metadata: { istio: { config: '/apis/networking.istio.io/v1alpha3/namespaces/default/virtual-service/reviews' } },
  });
});

test('Should show in syncz the admin port a proxy reports in HEDDLE_ADMIN_PORT, and none when it reports none or a bad one', async () => {
  const ads = await startTestAds();
  try {
    ads.set(CLUSTER_TYPE, 'c');
    const ids = ['sidecar~10.0.0.1~a.default~default.svc.cluster.local', 'sidecar~10.0.0.2~b.default~default.svc.cluster.local', 'sidecar~10.0.0.3~c.default~default.svc.cluster.local'];
    const streams = [ads.sotw(), ads.sotw(), ads.sotw()];
    const metadata: JsonObject[] = [{ HEDDLE_ADMIN_PORT: '15000' }, {}, { HEDDLE_ADMIN_PORT: '99999' }];
    for (const [i, s] of streams.entries()) {
      s.send({ node: node(ids[i]!, metadata[i]), type_url: CLUSTER_TYPE });
      await s.next();
    }
    const ports = syncz(ads.server.connections()).proxies.map((p) => [p.proxy, p.adminPort]);
    assert.deepEqual(ports, [[ids[0], 15000], [ids[1], undefined], [ids[2], undefined]]);
  } finally {
    await ads.close();
  }
});
