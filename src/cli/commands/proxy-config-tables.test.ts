import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterTable, endpointTable, listenerTable, routeTable } from './proxy-config-tables.js';
import { formatTable } from './table.js';

test('Should list clusters by service FQDN, port, subset, direction and type, as istioctl does', () => {
  const table = clusterTable([
    { name: 'outbound|9080|v1|reviews.default.svc.cluster.local', type: 'EDS' },
    { name: 'inbound|9080||', type: 'ORIGINAL_DST' },
    { name: 'BlackHoleCluster' },
    { name: 'outbound|443||api.example.com', type: 'STRICT_DNS' },
  ]);
  assert.equal(
    formatTable(table),
    [
      'SERVICE FQDN                        PORT   SUBSET   DIRECTION   TYPE',
      'reviews.default.svc.cluster.local   9080   v1       outbound    EDS',
      '-                                   9080   -        inbound     ORIGINAL_DST',
      'BlackHoleCluster                    -      -        -           STATIC',
      'api.example.com                     443    -        outbound    STRICT_DNS',
      '',
    ].join('\n'),
  );
});

test('Should tell HTTP, TCP and proxyless API listeners apart', () => {
  const hcm = { name: 'envoy.filters.network.http_connection_manager', typed_config: {} };
  const tcp = { name: 'envoy.filters.network.tcp_proxy', typed_config: {} };
  const { rows } = listenerTable([
    { name: '0.0.0.0_9080', address: { socket_address: { address: '0.0.0.0', port_value: 9080 } }, filter_chains: [{ filters: [hcm] }] },
    { name: 'virtualInbound', address: { socket_address: { address: '0.0.0.0', port_value: 15006 } }, filter_chains: [{ filters: [hcm] }, { filters: [tcp] }] },
    { name: 'virtualOutbound', address: { socket_address: { address: '0.0.0.0', port_value: 15001 } }, default_filter_chain: { filters: [tcp] } },
    { name: 'echo.default.svc.cluster.local:7070', api_listener: { api_listener: {} } },
  ]);
  assert.deepEqual(rows, [
    ['0.0.0.0_9080', '0.0.0.0', '9080', 'HTTP'],
    ['virtualInbound', '0.0.0.0', '15006', 'HTTP+TCP'],
    ['virtualOutbound', '0.0.0.0', '15001', 'TCP'],
    ['echo.default.svc.cluster.local:7070', '-', '-', 'API'],
  ]);
});

test('Should list routes with shortened domains, the path match and the VirtualService behind them', () => {
  const { rows } = routeTable([
    {
      name: '9080',
      virtual_hosts: [
        {
          name: 'reviews.default.svc.cluster.local:9080',
          domains: ['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default'],
          routes: [
            { match: { path: '/healthz' }, direct_response: { status: 200 } },
            {
              match: { prefix: '/' },
              route: { cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local' },
              metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1alpha3/namespaces/default/virtual-service/reviews' } } },
            },
          ],
        },
        { name: 'allow_any', domains: ['*'], routes: [{ match: { safe_regex: { regex: '.*' } }, route: { cluster: 'PassthroughCluster' } }] },
        { name: 'empty', domains: ['x'], routes: [] },
      ],
    },
  ]);
  assert.deepEqual(rows, [
    ['9080', 'reviews.default.svc.cluster.local, reviews + 2 more', '/healthz', '200'],
    ['9080', 'reviews.default.svc.cluster.local, reviews + 2 more', '/*', 'reviews.default'],
    ['9080', '*', 'regex .*', '-'],
    ['9080', 'x', '-', '-'],
  ]);
});

test('Should list endpoints with their health, UNKNOWN shown as HEALTHY as Envoy treats it', () => {
  const { headers, rows } = endpointTable([
    {
      cluster_name: 'outbound|9080||reviews.default.svc.cluster.local',
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: '10.0.0.7', port_value: 9080 } } } },
            { endpoint: { address: { socket_address: { address: '10.0.0.8', port_value: 9080 } } }, health_status: 'UNHEALTHY' },
            { endpoint: { address: { pipe: { path: '/var/run/app.sock' } } } },
          ],
        },
      ],
    },
  ]);
  assert.deepEqual(headers, ['ENDPOINT', 'STATUS', 'CLUSTER']);
  assert.deepEqual(rows.map((r) => r.slice(0, 2)), [
    ['10.0.0.7:9080', 'HEALTHY'],
    ['10.0.0.8:9080', 'UNHEALTHY'],
    ['unix:///var/run/app.sock', 'HEALTHY'],
  ]);
});
