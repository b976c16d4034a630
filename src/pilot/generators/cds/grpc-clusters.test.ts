import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterResourceType, type CdsUpdate } from '@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type.js';
import type { XdsDecodeContext } from '@grpc/grpc-js-xds/build/src/xds-resource-type/xds-resource-type.js';
import type { DestinationRuleSpec } from '../../../api/index.js';
import type { XdsResource } from '../generator.js';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import { createFakePushContext, fakeDestinationRule, fakeEndpoint, fakeProxy, fakeService } from '../shared/fake-push-context.js';
import { clusterGenerator } from './cluster-generator.js';
import { REVIEWS, reviewsService, tlsContextOf } from './cluster-fixtures.js';

const GRPC_PROXY = fakeProxy({ generator: 'grpc', workloadPorts: [{ port: 9080 }] });
const DEFAULT = `outbound|9080||${REVIEWS}`;

/** A decode context as grpc-js-xds builds from a bootstrap that defines the `default` certificate provider. */
const DECODE_CONTEXT = {
  server: { server_uri: 'localhost:15010', channel_creds: [], server_features: [] },
  bootstrap: { certificateProviders: { default: { plugin_name: 'file_watcher', config: {} } } },
} as unknown as XdsDecodeContext;

function grpcClusters(trafficPolicy?: DestinationRuleSpec['trafficPolicy'], subsets?: DestinationRuleSpec['subsets']): XdsResource[] {
  const rules = trafficPolicy || subsets ? [fakeDestinationRule('reviews', { host: REVIEWS, trafficPolicy, subsets })] : [];
  const push = createFakePushContext({ services: [reviewsService], destinationRules: rules, endpoints: [fakeEndpoint(REVIEWS, 9080, '10.1.0.1')] });
  return [...clusterGenerator.generate(GRPC_PROXY, push, undefined)];
}

/** What grpc-js-xds makes of a packed Cluster: its update, or the NACK reason. */
function decodeWithGrpc(resource: XdsResource): CdsUpdate {
  const result = ClusterResourceType.get().decode(DECODE_CONTEXT, { type_url: resource.resource.type_url, value: Buffer.from(resource.resource.value) });
  assert.equal(result.error, undefined, `grpc-js-xds rejected ${resource.name}: ${result.error}`);
  return result.value as CdsUpdate;
}

describe('clusters for proxyless gRPC clients', () => {
  it('Should give a gRPC client only EDS clusters: no BlackHole, passthrough or inbound clusters', () => {
    const resources = grpcClusters(undefined, [{ name: 'v1', labels: { version: 'v1' } }]);
    assert.deepEqual(resources.map((r) => r.name), [DEFAULT, `outbound|9080|v1|${REVIEWS}`]);
    for (const r of resources) assert.equal((r.message as Cluster).type, 'EDS');
  });

  it('Should map the LEAST_REQUEST default and other simple policies to ROUND_ROBIN, which grpc-js-xds accepts', () => {
    for (const simple of [undefined, 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH'] as const) {
      const [resource] = grpcClusters(simple ? { loadBalancer: { simple } } : undefined);
      assert.ok(resource);
      assert.equal((resource.message as Cluster).lb_policy, 'ROUND_ROBIN');
      const update = decodeWithGrpc(resource);
      assert.deepEqual(update.lbPolicyConfig, [{ xds_wrr_locality: { child_policy: [{ round_robin: {} }] } }]);
      assert.equal(update.edsServiceName, DEFAULT);
    }
  });

  it('Should map consistentHash, maglev included, to RING_HASH with XX_HASH', () => {
    const [resource] = grpcClusters({ loadBalancer: { consistentHash: { httpHeaderName: 'x-user', maglev: { tableSize: 65537 } } } });
    assert.ok(resource);
    assert.equal((resource.message as Cluster).lb_policy, 'RING_HASH');
    assert.deepEqual(decodeWithGrpc(resource).lbPolicyConfig, [{ ring_hash: { min_ring_size: 1024, max_ring_size: 8388608 } }]);
    const [sized] = grpcClusters({ loadBalancer: { consistentHash: { httpHeaderName: 'x-user', ringHash: { minimumRingSize: 4096 } } } });
    assert.ok(sized);
    assert.deepEqual(decodeWithGrpc(sized).lbPolicyConfig, [{ ring_hash: { min_ring_size: 4096, max_ring_size: 8388608 } }]);
  });

  it('Should pass maxRequests to grpc-js as its concurrent request limit, 2^32-1 by default', () => {
    const [limited] = grpcClusters({ connectionPool: { http: { http2MaxRequests: 3 } } });
    const [unlimited] = grpcClusters();
    assert.ok(limited && unlimited);
    assert.equal(decodeWithGrpc(limited).maxConcurrentRequests, 3);
    assert.equal(decodeWithGrpc(unlimited).maxConcurrentRequests, 4294967295);
  });

  it('Should give grpc-js an outlier detection config that ejects by failure percentage', () => {
    const [resource] = grpcClusters({ outlierDetection: { consecutive5xxErrors: 2, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 50 } });
    assert.ok(resource);
    const od = decodeWithGrpc(resource).outlierDetectionUpdate;
    assert.equal(od?.success_rate_ejection, undefined);
    assert.deepEqual(od?.failure_percentage_ejection, { enforcement_percentage: 100, minimum_hosts: 1, request_volume: 2, threshold: 50 });
    assert.equal(od?.max_ejection_percent, 50);
  });

  it('Should leave gRPC clients in plaintext for MUTUAL, DISABLE and auto mTLS (ISTIO_MUTUAL: grpc-tls.test.ts)', () => {
    for (const tls of [{ mode: 'MUTUAL' as const, credentialName: 'c' }, { mode: 'DISABLE' as const }, undefined]) {
      const [resource] = grpcClusters(tls ? { tls } : undefined);
      assert.ok(resource);
      const c = resource.message as Cluster;
      assert.equal(c.transport_socket, undefined);
      assert.equal(c.transport_socket_matches, undefined);
      assert.equal(decodeWithGrpc(resource).securityUpdate, undefined);
    }
  });

  it('Should give SIMPLE TLS to gRPC clients through the bootstrap certificate provider, which grpc-js-xds accepts', () => {
    const [resource] = grpcClusters({ tls: { mode: 'SIMPLE', subjectAltNames: ['spiffe://cluster.local/ns/default/sa/reviews'] } });
    assert.ok(resource);
    const ctx = tlsContextOf((resource.message as Cluster).transport_socket?.typed_config);
    assert.equal(ctx.common_tls_context?.tls_params, null);
    const security = decodeWithGrpc(resource).securityUpdate;
    assert.equal(security?.caCertificateProviderInstance, 'default');
    assert.deepEqual(security?.subjectAltNameMatchers.map((m) => m.exact), ['spiffe://cluster.local/ns/default/sa/reviews']);
  });

  it("Should be checked by grpc-js-xds's real validator, which NACKs the sidecar's LEAST_REQUEST cluster", () => {
    const push = createFakePushContext({ services: [reviewsService] });
    const sidecarCluster = clusterGenerator.generate(fakeProxy(), push, [DEFAULT])[0];
    assert.ok(sidecarCluster);
    const result = ClusterResourceType.get().decode(DECODE_CONTEXT, { type_url: sidecarCluster.resource.type_url, value: Buffer.from(sidecarCluster.resource.value) });
    assert.match(result.error ?? '', /lb_policy: LEAST_REQUEST/);
  });

  it('Should have grpc-js-xds accept every cluster of a DestinationRule that uses every feature', () => {
    const svc = fakeService('ratings.default.svc.cluster.local', [{ name: 'grpc', port: 7070, protocol: 'GRPC' }], { resolution: 'DNS' });
    const rule = fakeDestinationRule('ratings', {
      host: svc.hostname,
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 10, connectTimeout: '1s' }, http: { idleTimeout: '5s', http2MaxRequests: 100 } },
        outlierDetection: {},
        loadBalancer: { simple: 'LEAST_REQUEST' },
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x' } } } }],
    });
    const push = createFakePushContext({ services: [svc], destinationRules: [rule] });
    const resources = clusterGenerator.generate(GRPC_PROXY, push, undefined);
    assert.equal(resources.length, 2);
    for (const r of resources) assert.equal(decodeWithGrpc(r).type, 'EDS');
  });
});
