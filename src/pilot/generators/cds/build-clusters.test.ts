import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { structToJson, unpackAny } from '../../../xds/index.js';
import { createFakePushContext, fakeDestinationRule, fakeEndpoint, fakeProxy, fakeService } from '../shared/fake-push-context.js';
import { buildClusters } from './build-clusters.js';
import { clusterGenerator } from './cluster-generator.js';
import { HTTP_9080, REVIEWS, clusterNamed, clustersFor, httpOptionsOfCluster, reviewsService } from './cluster-fixtures.js';

const API = 'api.example.com';

describe('DNS and passthrough clusters', () => {
  it('Should build STRICT_DNS for DNS resolution, with the endpoints inline and weighted by locality', () => {
    const svc = fakeService(API, [{ name: 'https', port: 443, protocol: 'TLS' }], { resolution: 'DNS', meshExternal: true });
    const endpoints = [fakeEndpoint(API, 443, 'a.example.com', { tlsMode: 'disabled' }), fakeEndpoint(API, 443, 'b.example.com', { tlsMode: 'disabled', weight: 3 })];
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [svc], endpoints })), `outbound|443||${API}`);
    assert.equal(c.type, 'STRICT_DNS');
    assert.equal(c.eds_cluster_config, undefined);
    assert.deepEqual([c.dns_lookup_family, c.respect_dns_ttl, c.dns_refresh_rate], ['V4_ONLY', true, { seconds: 60 }]);
    const locality = c.load_assignment?.endpoints?.[0];
    assert.deepEqual(locality?.lb_endpoints?.map((e) => e.endpoint?.address?.socket_address?.address), ['a.example.com', 'b.example.com']);
    assert.deepEqual(locality?.load_balancing_weight, { value: 4 });
    assert.equal(c.load_assignment?.cluster_name, `outbound|443||${API}`);
  });

  it('Should build LOGICAL_DNS with a single endpoint for DNS_ROUND_ROBIN', () => {
    const svc = fakeService(API, [{ name: 'http', port: 80, protocol: 'HTTP' }], { resolution: 'DNS_ROUND_ROBIN', meshExternal: true });
    const endpoints = [fakeEndpoint(API, 80, 'a.example.com'), fakeEndpoint(API, 80, 'b.example.com')];
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [svc], endpoints })), `outbound|80||${API}`);
    assert.equal(c.type, 'LOGICAL_DNS');
    assert.equal(c.load_assignment?.endpoints?.length, 1);
    assert.equal(c.load_assignment?.endpoints?.[0]?.lb_endpoints?.length, 1);
  });

  it('Should resolve the host name itself on the target port when a DNS service lists no endpoints', () => {
    const svc = fakeService(API, [{ name: 'https', port: 443, protocol: 'TLS', targetPort: 8443 }], { resolution: 'DNS', meshExternal: true });
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [svc] })), `outbound|443||${API}`);
    assert.deepEqual(c.load_assignment?.endpoints?.[0]?.lb_endpoints?.[0]?.endpoint?.address?.socket_address, { address: API, port_value: 8443 });
    const rule = fakeDestinationRule('api', { host: API, subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    const subset = clusterNamed(clustersFor(createFakePushContext({ services: [svc], destinationRules: [rule] })), `outbound|443|v1|${API}`);
    assert.deepEqual(subset.load_assignment?.endpoints, [], 'the host-name stand-in has no labels, so a labelled subset gets none');
  });

  it('Should build ORIGINAL_DST with CLUSTER_PROVIDED for resolution NONE, with neither EDS nor auto mTLS', () => {
    const svc = fakeService('db.internal', [{ name: 'tcp', port: 5432, protocol: 'TCP' }], { resolution: 'NONE' });
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [svc] })), 'outbound|5432||db.internal');
    assert.deepEqual([c.type, c.lb_policy], ['ORIGINAL_DST', 'CLUSTER_PROVIDED']);
    assert.equal(c.eds_cluster_config, undefined);
    assert.equal(c.transport_socket_matches, undefined);
  });

  it('Should filter a DNS subset cluster to the endpoints with the subset labels', () => {
    const svc = fakeService(API, [{ name: 'http', port: 80, protocol: 'HTTP' }], { resolution: 'DNS' });
    const endpoints = [fakeEndpoint(API, 80, 'a.example.com', { labels: { zone: 'a' } }), fakeEndpoint(API, 80, 'b.example.com', { labels: { zone: 'b' } })];
    const rule = fakeDestinationRule('api', { host: API, subsets: [{ name: 'b', labels: { zone: 'b' } }] });
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [svc], endpoints, destinationRules: [rule] })), `outbound|80|b|${API}`);
    assert.deepEqual(c.load_assignment?.endpoints?.flatMap((l) => l.lb_endpoints?.map((e) => e.endpoint?.address?.socket_address?.address)), ['b.example.com']);
  });
});

describe('sidecar, gateway and inbound clusters', () => {
  it('Should give a sidecar BlackHoleCluster, PassthroughCluster, InboundPassthroughCluster and one inbound cluster per workload port', () => {
    const proxy = fakeProxy({ workloadPorts: [{ port: 9080, name: 'http' }, { port: 7070, name: 'grpc-api' }, { port: 9080 }] });
    const clusters = clustersFor(createFakePushContext({ services: [reviewsService] }), proxy);
    assert.deepEqual([...clusters.keys()], [
      `outbound|9080||${REVIEWS}`, 'BlackHoleCluster', 'PassthroughCluster', 'InboundPassthroughCluster', 'inbound|7070||', 'inbound|9080||',
    ]);
    const blackHole = clusterNamed(clusters, 'BlackHoleCluster');
    assert.deepEqual([blackHole.type, blackHole.load_assignment], ['STATIC', undefined]);
    const passthrough = clusterNamed(clusters, 'PassthroughCluster');
    assert.deepEqual([passthrough.type, passthrough.lb_policy], ['ORIGINAL_DST', 'CLUSTER_PROVIDED']);
    assert.ok(httpOptionsOfCluster(passthrough)?.use_downstream_protocol_config);
    assert.equal(clusterNamed(clusters, 'InboundPassthroughCluster').upstream_bind_config?.source_address?.address, '127.0.0.6');
  });

  it('Should send inbound clusters to the app on 127.0.0.1, over HTTP/2 for gRPC ports', () => {
    const proxy = fakeProxy({ workloadPorts: [{ port: 9080, name: 'http' }, { port: 7070, name: 'grpc-api' }] });
    const clusters = clustersFor(createFakePushContext({}), proxy);
    const inbound = clusterNamed(clusters, 'inbound|9080||');
    assert.equal(inbound.type, 'STATIC');
    const endpoint = inbound.load_assignment?.endpoints?.[0]?.lb_endpoints?.[0]?.endpoint;
    assert.deepEqual(endpoint?.address?.socket_address, { address: '127.0.0.1', port_value: 9080 });
    assert.equal(httpOptionsOfCluster(inbound), undefined);
    assert.ok(httpOptionsOfCluster(clusterNamed(clusters, 'inbound|7070||'))?.explicit_http_config?.http2_protocol_options);
  });

  it('Should send inbound clusters to the original destination from the inbound source address under capture, ::6 for an IPv6 workload', () => {
    const proxy = fakeProxy({ interceptionMode: 'REDIRECT', workloadPorts: [{ port: 8080, name: 'http' }] });
    const inbound = clusterNamed(clustersFor(createFakePushContext({}), proxy), 'inbound|8080||');
    assert.equal(inbound.type, 'ORIGINAL_DST');
    assert.equal(inbound.lb_policy, 'CLUSTER_PROVIDED');
    assert.equal(inbound.upstream_bind_config?.source_address?.address, '127.0.0.6');
    assert.equal(inbound.load_assignment, undefined);
    const v6 = fakeProxy({ interceptionMode: 'REDIRECT', ipAddresses: ['fd00::2'], workloadPorts: [{ port: 8080, name: 'http' }] });
    assert.equal(clusterNamed(clustersFor(createFakePushContext({}), v6), 'inbound|8080||').upstream_bind_config?.source_address?.address, '::6');
  });

  it('Should take an inbound port\'s protocol and istio.services metadata from the service that targets it', () => {
    const host = 'echo.default.svc.cluster.local';
    const svc = fakeService(host, [{ name: 'grpc', port: 9090, protocol: 'GRPC', targetPort: 19090 }]);
    const proxy = fakeProxy({ ipAddresses: ['10.0.0.7'], workloadPorts: [{ port: 19090, name: 'http' }] });
    const push = createFakePushContext({ services: [svc], endpoints: [fakeEndpoint(host, 9090, '10.0.0.7', { port: 19090 })] });
    const inbound = clusterNamed(clustersFor(push, proxy), 'inbound|19090||');
    assert.ok(httpOptionsOfCluster(inbound)?.explicit_http_config?.http2_protocol_options, 'a GRPC service makes the inbound cluster HTTP/2 whatever the port is named');
    const istio = inbound.metadata?.filter_metadata?.istio;
    assert.ok(istio);
    assert.deepEqual(structToJson(istio).services, [{ host, name: 'echo', namespace: 'default' }]);
  });

  it('Should give a gateway BlackHoleCluster but no passthrough or inbound clusters', () => {
    const proxy = fakeProxy({ type: 'router', workloadPorts: [{ port: 8080 }] });
    const names = [...clustersFor(createFakePushContext({ services: [reviewsService] }), proxy).keys()];
    assert.deepEqual(names, [`outbound|9080||${REVIEWS}`, 'BlackHoleCluster']);
  });

  it('Should skip UDP ports', () => {
    const svc = fakeService('dns.default.svc.cluster.local', [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 5353, protocol: 'TCP' }]);
    const names = buildClusters(fakeProxy({ type: 'router' }), createFakePushContext({ services: [svc] })).map((c) => c.name);
    assert.deepEqual(names, ['outbound|5353||dns.default.svc.cluster.local', 'BlackHoleCluster']);
  });

  it('Should build only the clusters named in the request', () => {
    const other = fakeService('ratings.default.svc.cluster.local', [HTTP_9080]);
    const rule = fakeDestinationRule('reviews', { host: REVIEWS, subsets: [{ name: 'v1' }, { name: 'v2' }] });
    const push = createFakePushContext({ services: [reviewsService, other], destinationRules: [rule] });
    const names = [`outbound|9080|v2|${REVIEWS}`, 'PassthroughCluster', 'outbound|1|x|nowhere'];
    assert.deepEqual(buildClusters(fakeProxy(), push, names).map((c) => c.name), [`outbound|9080|v2|${REVIEWS}`, 'PassthroughCluster']);
  });

  it('Should pack every cluster as an envoy.config.cluster.v3.Cluster that decodes to the same name', () => {
    const resources = clusterGenerator.generate(fakeProxy({ workloadPorts: [{ port: 9080 }] }), createFakePushContext({ services: [reviewsService] }), undefined);
    assert.equal(resources.length, 5);
    for (const r of resources) {
      assert.equal(r.resource.type_url, 'type.googleapis.com/envoy.config.cluster.v3.Cluster');
      assert.equal(unpackAny<{ name: string }>(r.resource).name, r.name);
    }
  });
});
