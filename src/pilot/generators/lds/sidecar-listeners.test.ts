import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packAny, unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { Service } from '../../model/service.js';
import type { AnyResource } from '../../../api/index.js';
import { BOOKINFO, fakeProxy, kubeService, port, testPush, virtualService } from '../rds/testing.js';
import { createSidecarLdsGenerator } from './lds-generator.js';
import type { ListenerOptions } from './listener-options.js';
import type { Proxy } from '../../model/proxy.js';
import type { MeshConfig } from '../../model/mesh-config.js';

interface Setup {
  services?: readonly Service[];
  resources?: readonly AnyResource[];
  proxy?: Partial<Proxy>;
  mesh?: Partial<MeshConfig>;
  options?: Partial<ListenerOptions>;
}

function listeners(setup: Setup = {}): Map<string, Listener> {
  const push = testPush({ services: setup.services ?? BOOKINFO, resources: setup.resources ?? [], ...(setup.mesh ? { mesh: setup.mesh } : {}) });
  const out = createSidecarLdsGenerator(setup.options).generate(fakeProxy(setup.proxy), push, undefined);
  return new Map(out.map((r) => [r.name, r.message as Listener]));
}

const filterOf = <T>(chain: FilterChain | undefined, index = -1): T => unpackAny<T>(chain!.filters!.at(index)!.typed_config as AnyMessage);
interface Tcp { stat_prefix: string; cluster: string; weighted_clusters: { clusters: { name: string; weight: number }[] } | null }
interface Hcm { stat_prefix: string; rds: { route_config_name: string } | null; route_config: { name: string; virtual_hosts: { domains: string[]; routes: { route: { cluster: string } }[] }[] } | null; http_filters: { name: string }[] }

test('Should capture outbound traffic on virtualOutbound, passing unknown destinations through under ALLOW_ANY', () => {
  const vo = listeners().get('virtualOutbound');
  assert.deepEqual(vo?.address, { socket_address: { address: '0.0.0.0', port_value: 15001 } });
  assert.deepEqual(vo?.use_original_dst, { value: true });
  assert.equal(filterOf<Tcp>(vo?.default_filter_chain ?? undefined).cluster, 'PassthroughCluster');
  assert.deepEqual(vo?.filter_chains?.[0]?.filter_chain_match, { destination_port: { value: 15001 } });
  assert.equal(filterOf<Tcp>(vo?.filter_chains?.[0]).cluster, 'BlackHoleCluster');
});

test('Should drop unknown destinations into BlackHoleCluster under REGISTRY_ONLY, and honour the capture port options', () => {
  const all = listeners({ mesh: { outboundTrafficPolicy: 'REGISTRY_ONLY' }, options: { virtualOutboundPort: 16001, virtualInboundPort: 16006 } });
  const vo = all.get('virtualOutbound');
  assert.equal(filterOf<Tcp>(vo?.default_filter_chain ?? undefined).cluster, 'BlackHoleCluster');
  assert.equal(vo?.address?.socket_address?.port_value, 16001);
  assert.equal(all.get('virtualInbound')?.address?.socket_address?.port_value, 16006);
});

test('Should give each HTTP port an unbound 0.0.0.0_<port> listener routing over RDS <port>, router last', () => {
  const l = listeners().get('0.0.0.0_9080');
  assert.deepEqual(l?.bind_to_port, { value: false });
  const hcm = filterOf<Hcm>(l?.filter_chains?.[0]);
  assert.equal(hcm.stat_prefix, 'outbound_0.0.0.0_9080');
  assert.equal(hcm.rds?.route_config_name, '9080');
  assert.deepEqual(hcm.http_filters.map((f) => f.name), ['envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.router']);
});

test('Should proxy a TCP port to the weighted clusters of the VirtualService tcp rule, matched on the service address', () => {
  const db = kubeService('db', [port(5432, 'TCP', 'tcp-pg')], 'default', { addresses: ['10.96.0.20'] });
  const vs = virtualService('db', { hosts: ['db'], tcp: [{ match: [{ port: 5432 }], route: [{ destination: { host: 'db', subset: 'primary' }, weight: 90 }, { destination: { host: 'db', subset: 'replica' }, weight: 10 }] }] });
  const l = listeners({ services: [db], resources: [vs] }).get('0.0.0.0_5432');
  const chain = l?.filter_chains?.[0];
  assert.deepEqual(chain?.filter_chain_match, { prefix_ranges: [{ address_prefix: '10.96.0.20', prefix_len: { value: 32 } }] });
  assert.deepEqual(filterOf<Tcp>(chain).weighted_clusters?.clusters.map(({ name, weight }) => ({ name, weight })), [
    { name: 'outbound|5432|primary|db.default.svc.cluster.local', weight: 90 },
    { name: 'outbound|5432|replica|db.default.svc.cluster.local', weight: 10 },
  ]);
});

test('Should proxy a TCP service without an address to its default cluster from a catch-all chain', () => {
  const l = listeners({ services: [kubeService('cache', [port(6379, 'REDIS', 'redis')])] }).get('0.0.0.0_6379');
  assert.equal(l?.filter_chains?.length, 1);
  assert.equal(l?.filter_chains?.[0]?.filter_chain_match, undefined);
  assert.equal(filterOf<Tcp>(l?.filter_chains?.[0]).cluster, 'outbound|6379||cache.default.svc.cluster.local');
});

test('Should route TLS by SNI: tls rules first, then each other TLS service by its own name', () => {
  const api = kubeService('api', [port(443, 'TLS', 'tls')]);
  const ext = { ...kubeService('x', [port(443, 'HTTPS', 'https')]), hostname: 'pay.example.com' };
  const vs = virtualService('api', { hosts: ['api'], tls: [{ match: [{ port: 443, sniHosts: ['api.default.svc.cluster.local'] }], route: [{ destination: { host: 'api', subset: 'v2' } }] }] });
  const l = listeners({ services: [api, ext], resources: [vs] }).get('0.0.0.0_443');
  assert.deepEqual(l?.filter_chains?.map((c) => c.filter_chain_match?.server_names), [['api.default.svc.cluster.local'], ['pay.example.com']]);
  assert.equal(filterOf<Tcp>(l?.filter_chains?.[0]).cluster, 'outbound|443|v2|api.default.svc.cluster.local');
  assert.equal(filterOf<Tcp>(l?.filter_chains?.[1]).cluster, 'outbound|443||pay.example.com');
  assert.deepEqual(l?.listener_filters?.map((f) => f.name), ['envoy.filters.listener.tls_inspector']);
});

test('Should sniff ports of unknown protocol: HTTP to RDS, anything else to the service over TCP', () => {
  const l = listeners({ services: [kubeService('legacy', [port(8000, 'UNKNOWN', 'legacy')])] }).get('0.0.0.0_8000');
  assert.deepEqual(l?.listener_filters?.map((f) => f.name), ['envoy.filters.listener.http_inspector']);
  assert.deepEqual(l?.filter_chains?.[0]?.filter_chain_match, { application_protocols: ['http/1.1', 'http/1.0', 'h2c'] });
  assert.equal(filterOf<Hcm>(l?.filter_chains?.[0]).rds?.route_config_name, '8000');
  assert.equal(filterOf<Tcp>(l?.filter_chains?.[1]).cluster, 'outbound|8000||legacy.default.svc.cluster.local');
});

test('Should give virtualInbound a chain per workload port: HTTP through an inline route to inbound|port||, TCP proxied, the rest passed through', () => {
  const proxy = { workloadPorts: [{ port: 9080, name: 'http' }, { port: 3306, name: 'mysql' }, { port: 53, protocol: 'UDP' }] };
  const vi = listeners({ proxy }).get('virtualInbound');
  assert.deepEqual(vi?.address, { socket_address: { address: '0.0.0.0', port_value: 15006 } });
  assert.deepEqual(vi?.filter_chains?.map((c) => c.filter_chain_match?.destination_port?.value), [15006, 3306, 9080]);
  const hcm = filterOf<Hcm>(vi?.filter_chains?.[2]);
  assert.equal(hcm.stat_prefix, 'inbound_0.0.0.0_9080');
  assert.equal(hcm.route_config?.name, 'inbound|9080||');
  assert.deepEqual(hcm.route_config?.virtual_hosts[0]?.domains, ['*']);
  assert.equal(hcm.route_config?.virtual_hosts[0]?.routes[0]?.route.cluster, 'inbound|9080||');
  assert.equal(filterOf<Tcp>(vi?.filter_chains?.[1]).cluster, 'inbound|3306||');
  assert.equal(filterOf<Tcp>(vi?.default_filter_chain ?? undefined).cluster, 'InboundPassthroughCluster');
  assert.deepEqual(vi?.listener_filters?.map((f) => f.name), ['envoy.filters.listener.original_dst', 'envoy.filters.listener.tls_inspector']);
});

test('Should let the security hook add policy filters ahead of fault and router, and shape inbound chains', () => {
  const rbac = { name: 'envoy.filters.http.rbac', typed_config: packAny('envoy.extensions.filters.http.rbac.v3.RBAC', {}) };
  const security: ListenerOptions['security'] = {
    httpFilters: (ctx) => (ctx.listenerClass === 'sidecar-inbound' ? [rbac] : []),
    networkFilters: () => [],
    inboundFilterChains: (_ctx, plain) => [{ ...plain, name: `${plain.name}-mtls`, filter_chain_match: { ...plain.filter_chain_match, transport_protocol: 'tls' } }, plain],
  };
  const all = listeners({ proxy: { workloadPorts: [{ port: 9080, name: 'http' }] }, options: { security } });
  const vi = all.get('virtualInbound');
  // The passthrough chain of undeclared ports (port 0) goes through the hook too, and is split the same way.
  assert.deepEqual(vi?.filter_chains?.map((c) => c.name), ['virtualInbound-blackhole', '0.0.0.0_9080-mtls', '0.0.0.0_9080', 'virtualInbound-mtls', 'virtualInbound']);
  assert.equal(vi?.default_filter_chain, undefined);
  assert.deepEqual(filterOf<Hcm>(vi?.filter_chains?.[2]).http_filters.map((f) => f.name), ['envoy.filters.http.rbac', 'envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.router']);
  assert.deepEqual(filterOf<Hcm>(all.get('0.0.0.0_9080')?.filter_chains?.[0]).http_filters.map((f) => f.name), ['envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.router']);
});

test('Should match tcp rules limited to destinationSubnets on those subnets, ahead of the service chain', () => {
  const db = kubeService('db', [port(5432, 'TCP', 'tcp-pg')], 'default', { addresses: ['10.96.0.20'] });
  const vs = virtualService('db', {
    hosts: ['db'],
    tcp: [
      { match: [{ destinationSubnets: ['10.1.0.0/16'] }], route: [{ destination: { host: 'db', subset: 'local' } }] },
      { route: [{ destination: { host: 'db', subset: 'primary' } }] },
    ],
  });
  const chains = listeners({ services: [db], resources: [vs] }).get('0.0.0.0_5432')?.filter_chains ?? [];
  assert.deepEqual(chains.map((c) => c.filter_chain_match?.prefix_ranges?.[0]), [
    { address_prefix: '10.1.0.0', prefix_len: { value: 16 } },
    { address_prefix: '10.96.0.20', prefix_len: { value: 32 } },
  ]);
  assert.deepEqual(chains.map((c) => filterOf<Tcp>(c).cluster), ['outbound|5432|local|db.default.svc.cluster.local', 'outbound|5432|primary|db.default.svc.cluster.local']);
});

test('Should return only the listeners asked for by name, and refuse capture ports that are not ports', () => {
  const push = testPush({ services: BOOKINFO });
  assert.deepEqual(createSidecarLdsGenerator().generate(fakeProxy(), push, ['virtualInbound', 'nope']).map((r) => r.name), ['virtualInbound']);
  assert.throws(() => createSidecarLdsGenerator({ virtualInboundPort: 70000 }), /virtualInboundPort must be a port/);
});
