import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DestinationRuleSpec } from '../../../api/index.js';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { MeshConfig } from '../../model/mesh-config.js';
import type { Service } from '../../model/service.js';
import { createFakePushContext, fakeDestinationRule, fakeEndpoint, fakeService } from '../shared/fake-push-context.js';
import { HTTP_9080, REVIEWS, clusterNamed, clustersFor, httpOptionsOfCluster, reviewsService, tlsContextOf } from './cluster-fixtures.js';

const DEFAULT = `outbound|9080||${REVIEWS}`;
const ENDPOINTS = [
  fakeEndpoint(REVIEWS, 9080, '10.1.0.1', { serviceAccount: 'bookinfo-reviews' }),
  fakeEndpoint(REVIEWS, 9080, '10.1.0.2', { serviceAccount: 'bookinfo-reviews' }),
];

function clusterWith(tls: NonNullable<DestinationRuleSpec['trafficPolicy']>['tls'], opts: { service?: Service; mesh?: Partial<MeshConfig> } = {}): Cluster {
  const service = opts.service ?? reviewsService;
  const rules = tls ? [fakeDestinationRule('reviews', { host: service.hostname, trafficPolicy: { tls } })] : [];
  const push = createFakePushContext({ services: [service], destinationRules: rules, endpoints: ENDPOINTS, mesh: opts.mesh });
  return clusterNamed(clustersFor(push), `outbound|${service.ports[0]?.port}||${service.hostname}`);
}

describe('upstream TLS', () => {
  it('Should send plaintext with tls mode DISABLE, auto mTLS included', () => {
    const c = clusterWith({ mode: 'DISABLE' });
    assert.equal(c.transport_socket, undefined);
    assert.equal(c.transport_socket_matches, undefined);
  });

  it("Should originate ISTIO_MUTUAL with SDS default and ROOTCA, Istio's ALPN, SNI and the workloads' SPIFFE IDs", () => {
    const c = clusterWith({ mode: 'ISTIO_MUTUAL' });
    assert.equal(c.transport_socket?.name, 'envoy.transport_sockets.tls');
    const ctx = tlsContextOf(c.transport_socket?.typed_config);
    assert.equal(ctx.sni, `outbound_.9080_._.${REVIEWS}`);
    const common = ctx.common_tls_context;
    assert.deepEqual(common?.alpn_protocols, ['istio-peer-exchange', 'istio']);
    assert.deepEqual(common?.tls_certificate_sds_secret_configs.map((s) => s.name), ['default']);
    assert.equal(common?.combined_validation_context?.validation_context_sds_secret_config?.name, 'ROOTCA');
    assert.ok(common?.combined_validation_context?.validation_context_sds_secret_config?.sds_config?.ads);
    const sans = common?.combined_validation_context?.default_validation_context?.match_subject_alt_names.map((m) => m.exact);
    assert.deepEqual(sans, ['spiffe://cluster.local/ns/default/sa/bookinfo-reviews']);
    assert.equal(common?.tls_params?.tls_minimum_protocol_version, 'TLSv1_2');
  });

  it('Should add h2 to the ISTIO_MUTUAL ALPN when the cluster speaks HTTP/2', () => {
    const grpc = fakeService(REVIEWS, [{ name: 'grpc', port: 9080, protocol: 'GRPC' }]);
    const ctx = tlsContextOf(clusterWith({ mode: 'ISTIO_MUTUAL' }, { service: grpc }).transport_socket?.typed_config);
    assert.deepEqual(ctx.common_tls_context?.alpn_protocols, ['istio-peer-exchange', 'istio', 'h2']);
  });

  it('Should originate SIMPLE TLS verified against a CA file, with the given SNI and SANs', () => {
    const c = clusterWith({ mode: 'SIMPLE', caCertificates: '/etc/certs/ca.pem', sni: 'reviews.example.com', subjectAltNames: ['reviews.example.com'] });
    const ctx = tlsContextOf(c.transport_socket?.typed_config);
    assert.equal(ctx.sni, 'reviews.example.com');
    assert.deepEqual(ctx.common_tls_context?.tls_certificate_sds_secret_configs, []);
    const combined = ctx.common_tls_context?.combined_validation_context;
    assert.equal(combined?.validation_context_sds_secret_config?.name, 'file-root:/etc/certs/ca.pem');
    assert.deepEqual(combined?.default_validation_context?.match_subject_alt_names.map((m) => m.exact), ['reviews.example.com']);
    assert.ok(!httpOptionsOfCluster(c)?.upstream_http_protocol_options);
  });

  it('Should let Envoy pick SNI and verify the host itself when SIMPLE gives no SNI, trusting the system CAs', () => {
    const c = clusterWith({ mode: 'SIMPLE' });
    const ctx = tlsContextOf(c.transport_socket?.typed_config);
    assert.equal(ctx.common_tls_context?.combined_validation_context?.validation_context_sds_secret_config?.name, 'file-root:system');
    const upstream = httpOptionsOfCluster(c)?.upstream_http_protocol_options;
    assert.deepEqual([upstream?.auto_sni, upstream?.auto_san_validation], [true, true]);
  });

  it('Should present a client certificate from files for MUTUAL', () => {
    const c = clusterWith({ mode: 'MUTUAL', clientCertificate: '/c/cert.pem', privateKey: '/c/key.pem', caCertificates: '/c/ca.pem' });
    const ctx = tlsContextOf(c.transport_socket?.typed_config);
    assert.deepEqual(ctx.common_tls_context?.tls_certificate_sds_secret_configs.map((s) => s.name), ['file-cert:/c/cert.pem~/c/key.pem']);
    assert.equal(ctx.common_tls_context?.combined_validation_context?.validation_context_sds_secret_config?.name, 'file-root:/c/ca.pem');
  });

  it('Should fetch the credentialName secret and its -cacert bundle over SDS', () => {
    const mutual = tlsContextOf(clusterWith({ mode: 'MUTUAL', credentialName: 'client-creds' }).transport_socket?.typed_config);
    assert.deepEqual(mutual.common_tls_context?.tls_certificate_sds_secret_configs.map((s) => s.name), ['client-creds']);
    assert.equal(mutual.common_tls_context?.combined_validation_context?.validation_context_sds_secret_config?.name, 'client-creds-cacert');
    const simple = tlsContextOf(clusterWith({ mode: 'SIMPLE', credentialName: 'ca-only' }).transport_socket?.typed_config);
    assert.deepEqual(simple.common_tls_context?.tls_certificate_sds_secret_configs, []);
    assert.equal(simple.common_tls_context?.combined_validation_context?.validation_context_sds_secret_config?.name, 'ca-only-cacert');
  });

  it('Should skip certificate verification when insecureSkipVerify is set', () => {
    const ctx = tlsContextOf(clusterWith({ mode: 'SIMPLE', insecureSkipVerify: true, sni: 'x' }).transport_socket?.typed_config);
    assert.equal(ctx.common_tls_context?.validation_context_type, 'validation_context');
    assert.ok(!ctx.common_tls_context?.combined_validation_context);
  });

  it('Should use auto mTLS without DestinationRule TLS: mTLS for tlsMode istio endpoints, plaintext otherwise', () => {
    const c = clusterWith(undefined);
    assert.equal(c.transport_socket, undefined);
    const matches = c.transport_socket_matches ?? [];
    assert.deepEqual(matches.map((m) => m.name), ['tlsMode-istio', 'tlsMode-disabled']);
    assert.deepEqual(matches[0]?.match, { fields: { tlsMode: { stringValue: 'istio', kind: 'stringValue' } } });
    assert.deepEqual(matches[1]?.match, {});
    assert.equal(matches[1]?.transport_socket?.name, 'envoy.transport_sockets.raw_buffer');
    const ctx = tlsContextOf(matches[0]?.transport_socket?.typed_config);
    assert.equal(ctx.sni, `outbound_.9080_._.${REVIEWS}`);
    assert.deepEqual(ctx.common_tls_context?.alpn_protocols, ['istio-peer-exchange', 'istio']);
  });

  it('Should not use auto mTLS for services outside the mesh, or when the mesh turns it off', () => {
    const external = fakeService('api.example.com', [{ name: 'https', port: 443, protocol: 'TLS' }], { meshExternal: true });
    assert.equal(clusterWith(undefined, { service: external }).transport_socket_matches, undefined);
    assert.equal(clusterWith(undefined, { mesh: { enableAutoMtls: false } }).transport_socket_matches, undefined);
    assert.ok(clusterWith(undefined, { service: fakeService(REVIEWS, [HTTP_9080]) }).transport_socket_matches);
  });
});

describe('subset TLS', () => {
  it("Should let a subset's tls replace the top-level tls and keep it for the default cluster", () => {
    const rule = fakeDestinationRule('reviews', {
      host: REVIEWS,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'legacy', labels: { version: 'v0' }, trafficPolicy: { tls: { mode: 'DISABLE' } } }],
    });
    const clusters = clustersFor(createFakePushContext({ services: [reviewsService], destinationRules: [rule], endpoints: ENDPOINTS }));
    assert.ok(clusterNamed(clusters, DEFAULT).transport_socket);
    const legacy = clusterNamed(clusters, `outbound|9080|legacy|${REVIEWS}`);
    assert.equal(legacy.transport_socket, undefined);
    assert.equal(legacy.transport_socket_matches, undefined);
  });
});
