import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterResourceType, type CdsUpdate } from '@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type.js';
import type { XdsDecodeContext } from '@grpc/grpc-js-xds/build/src/xds-resource-type/xds-resource-type.js';
import type { DestinationRuleSpec } from '../../../api/index.js';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { XdsResource } from '../generator.js';
import { createFakePushContext, fakeDestinationRule, fakeEndpoint, fakeProxy } from '../shared/fake-push-context.js';
import { clusterGenerator } from './cluster-generator.js';
import { REVIEWS, reviewsService, tlsContextOf } from './cluster-fixtures.js';
import { buildGrpcIstioMutualTls } from './grpc-tls.js';

const GRPC_PROXY = fakeProxy({ generator: 'grpc', workloadPorts: [{ port: 9080 }] });
const DEFAULT = `outbound|9080||${REVIEWS}`;
const V1 = `outbound|9080|v1|${REVIEWS}`;
const REVIEWS_SA = 'spiffe://cluster.local/ns/default/sa/reviews';
const REVIEWS_V2_SA = 'spiffe://cluster.local/ns/default/sa/reviews-v2';

/** A decode context as grpc-js-xds builds from a bootstrap, with the certificate providers it defines. */
function decodeContext(providers: readonly string[]): XdsDecodeContext {
  const certificateProviders = Object.fromEntries(providers.map((p) => [p, { plugin_name: 'file_watcher', config: {} }]));
  return { server: { server_uri: 'localhost:15010', channel_creds: [], server_features: [] }, bootstrap: { certificateProviders } } as unknown as XdsDecodeContext;
}

/** What grpc-js-xds makes of a packed Cluster with the providers of its bootstrap: the update, or the NACK reason. */
function decode(resource: XdsResource, providers: readonly string[] = ['default']): { update?: CdsUpdate; error?: string } {
  const result = ClusterResourceType.get().decode(decodeContext(providers), { type_url: resource.resource.type_url, value: Buffer.from(resource.resource.value) });
  return result.error === undefined ? { update: result.value as CdsUpdate } : { error: result.error };
}

/** The gRPC client's clusters of reviews, whose endpoints run as `reviews` and `reviews-v2`. */
function grpcClusters(spec?: Omit<DestinationRuleSpec, 'host'>): Map<string, XdsResource> {
  const endpoints = [
    fakeEndpoint(REVIEWS, 9080, '10.1.0.1', { serviceAccount: 'reviews', labels: { version: 'v1' } }),
    fakeEndpoint(REVIEWS, 9080, '10.1.0.2', { serviceAccount: 'reviews-v2', labels: { version: 'v2' } }),
  ];
  const rules = spec ? [fakeDestinationRule('reviews', { host: REVIEWS, ...spec })] : [];
  const push = createFakePushContext({ services: [reviewsService], destinationRules: rules, endpoints });
  return new Map(clusterGenerator.generate(GRPC_PROXY, push, undefined).map((r) => [r.name, r]));
}

function securityOf(resource: XdsResource | undefined): CdsUpdate['securityUpdate'] {
  assert.ok(resource);
  const { update, error } = decode(resource);
  assert.equal(error, undefined, `grpc-js-xds rejected ${resource.name}: ${error}`);
  return update?.securityUpdate;
}

describe('TLS of proxyless gRPC clients', () => {
  it("Should give an ISTIO_MUTUAL cluster the bootstrap's identity and root, and check the server's SPIFFE IDs, as grpc-js-xds reads it", () => {
    const resource = grpcClusters({ trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }).get(DEFAULT);
    assert.ok(resource);
    const cluster = resource.message as Cluster;
    assert.equal(cluster.transport_socket?.name, 'envoy.transport_sockets.tls');
    assert.equal(cluster.transport_socket_matches, undefined);
    const ctx = tlsContextOf(cluster.transport_socket?.typed_config);
    assert.deepEqual(ctx.common_tls_context?.tls_certificate_provider_instance, { instance_name: 'default', certificate_name: 'default' });
    assert.deepEqual(ctx.common_tls_context?.combined_validation_context?.default_validation_context?.ca_certificate_provider_instance, {
      instance_name: 'default',
      certificate_name: 'ROOTCA',
    });
    assert.equal(ctx.common_tls_context?.tls_certificate_sds_secret_configs.length, 0, 'no SDS, which grpc-js refuses');
    assert.deepEqual(securityOf(resource), {
      caCertificateProviderInstance: 'default',
      identityCertificateProviderInstance: 'default',
      subjectAltNameMatchers: [
        { exact: REVIEWS_SA, match_pattern: 'exact', ignore_case: false },
        { exact: REVIEWS_V2_SA, match_pattern: 'exact', ignore_case: false },
      ],
    });
  });

  it("Should check the server against the rule's subjectAltNames instead of the service accounts when it lists some", () => {
    const resource = grpcClusters({ trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL', subjectAltNames: ['spiffe://cluster.local/ns/default/sa/pinned'] } } }).get(DEFAULT);
    assert.deepEqual(securityOf(resource)?.subjectAltNameMatchers.map((m) => m.exact), ['spiffe://cluster.local/ns/default/sa/pinned']);
  });

  it("Should give a subset the merged TLS: ISTIO_MUTUAL on the subset only, or a subset's DISABLE over the rule's ISTIO_MUTUAL", () => {
    const subsetOnly = grpcClusters({ subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }] });
    assert.equal(securityOf(subsetOnly.get(DEFAULT)), undefined);
    assert.equal(securityOf(subsetOnly.get(V1))?.identityCertificateProviderInstance, 'default');
    const subsetDisabled = grpcClusters({ trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tls: { mode: 'DISABLE' } } }] });
    assert.equal(securityOf(subsetDisabled.get(DEFAULT))?.caCertificateProviderInstance, 'default');
    assert.equal(securityOf(subsetDisabled.get(V1)), undefined);
  });

  it('Should take a port-level TLS setting over the rule-wide one', () => {
    const portDisabled = grpcClusters({ trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, portLevelSettings: [{ port: { number: 9080 }, tls: { mode: 'DISABLE' } }] } });
    assert.equal(securityOf(portDisabled.get(DEFAULT)), undefined);
    const portMutual = grpcClusters({ trafficPolicy: { portLevelSettings: [{ port: { number: 9080 }, tls: { mode: 'ISTIO_MUTUAL' } }] } });
    assert.equal(securityOf(portMutual.get(DEFAULT))?.identityCertificateProviderInstance, 'default');
  });

  it('Should send plaintext without a DestinationRule, with DISABLE and with a rule that sets no TLS, though the endpoints are in the mesh', () => {
    for (const spec of [undefined, { trafficPolicy: { tls: { mode: 'DISABLE' as const } } }, { trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' as const } } }]) {
      const resource = grpcClusters(spec).get(DEFAULT);
      assert.ok(resource);
      assert.equal((resource.message as Cluster).transport_socket, undefined);
      assert.equal((resource.message as Cluster).transport_socket_matches, undefined, 'no auto mTLS for proxyless clients');
      assert.equal(securityOf(resource), undefined);
    }
  });

  it('Should be NACKed by a grpc-js client whose bootstrap lacks the default certificate provider, naming the instance', () => {
    const resource = grpcClusters({ trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }).get(DEFAULT);
    assert.ok(resource);
    assert.match(decode(resource, []).error ?? '', /Unmatched .*instance_name: default/);
    assert.match(decode(resource, ['other']).error ?? '', /Unmatched .*instance_name: default/);
  });

  it('Should accept any server the root signed when no SPIFFE ID is known', () => {
    const ctx = buildGrpcIstioMutualTls([]);
    assert.deepEqual(ctx.common_tls_context?.combined_validation_context?.default_validation_context?.match_subject_alt_names, []);
  });
});
