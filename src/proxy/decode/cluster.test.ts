import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import type { ClusterConfig } from '../config/cluster.js';
import { decodeCluster } from './cluster.js';
import { pack, productpageResources, type Json } from './testing.js';

function cluster(extra: { [key: string]: Json }): AnyMessage {
  return pack('envoy.config.cluster.v3.Cluster', { name: 'c', type: 'EDS', eds_cluster_config: {}, ...extra });
}

function decoded(any: AnyMessage): ClusterConfig {
  const r = decodeCluster(any);
  assert.ok(r.valid, r.valid ? '' : r.errors.join('\n'));
  return r.result;
}

function errorsOf(any: AnyMessage): string[] {
  const r = decodeCluster(any);
  assert.equal(r.valid, false, 'expected the cluster to be rejected');
  return r.valid ? [] : r.errors;
}

test('Should decode every cluster Pilot generates for the productpage sidecar', () => {
  const clusters = new Map(productpageResources().clusters.map(decoded).map((c) => [c.name, c]));
  const details = clusters.get('outbound|9080|v1|details.default.svc.cluster.local');
  assert.equal(details?.type, 'EDS');
  assert.equal(details?.edsServiceName, 'outbound|9080|v1|details.default.svc.cluster.local');
  assert.equal(details?.connectTimeoutMs, 10_000);
  assert.equal(details?.lbPolicy, 'RING_HASH');
  assert.deepEqual(details?.ringHash, { minimumRingSize: 1024, maximumRingSize: 8 * 1024 * 1024 });
  assert.deepEqual(details?.circuitBreakers, { maxConnections: 1, maxPendingRequests: 1, maxRequests: 4294967295, maxRetries: 4294967295 });
  assert.equal(details?.outlierDetection?.consecutive5xx, 1);
  assert.equal(details?.outlierDetection?.baseEjectionTimeMs, 180_000);
  assert.equal(details?.maxRequestsPerConnection, 1);
  assert.equal(details?.serviceHost, 'details.default.svc.cluster.local');
  assert.equal(details?.subset, 'v1');
  assert.deepEqual(details?.transportSocketMatches.map((m) => [m.name, m.match, m.tls?.sni, m.tls?.matchSubjectAltNames]), [
    ['tlsMode-istio', { tlsMode: 'istio' }, 'outbound_.9080_.v1_.details.default.svc.cluster.local', ['spiffe://cluster.local/ns/default/sa/bookinfo-details']],
    ['tlsMode-disabled', {}, undefined, undefined],
  ]);
  assert.equal(clusters.get('outbound|9080||reviews.default.svc.cluster.local')?.lbPolicy, 'LEAST_REQUEST');
  assert.equal(clusters.get('outbound|9080||reviews.default.svc.cluster.local')?.subset, undefined);
  const passthrough = clusters.get('PassthroughCluster');
  assert.equal(passthrough?.type, 'ORIGINAL_DST');
  assert.equal(passthrough?.lbPolicy, 'CLUSTER_PROVIDED');
  assert.equal(passthrough?.upstreamProtocol, 'downstream');
  assert.equal(passthrough?.idleTimeoutMs, 300_000);
  assert.equal(clusters.get('InboundPassthroughCluster')?.upstreamBindAddress, '127.0.0.6');
  const inbound = clusters.get('inbound|9080||');
  assert.equal(inbound?.type, 'STATIC');
  assert.deepEqual(inbound?.loadAssignment?.localities[0]?.endpoints.map((e) => `${e.address}:${e.port}`), ['127.0.0.1:9080']);
  assert.equal(clusters.get('BlackHoleCluster')?.type, 'STATIC');
});

test("Should apply Envoy's cluster defaults", () => {
  const c = decoded(cluster({}));
  assert.equal(c.connectTimeoutMs, 5000);
  assert.equal(c.lbPolicy, 'ROUND_ROBIN');
  assert.equal(c.leastRequestChoiceCount, 2);
  assert.deepEqual(c.circuitBreakers, { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 });
  assert.equal(c.edsServiceName, 'c', 'the EDS service name defaults to the cluster name');
  assert.equal(c.upstreamProtocol, 'http1');
  assert.equal(c.outlierDetection, undefined);
  assert.deepEqual(c.transportSocketMatches, []);
});

test('Should fill every unset circuit-breaker limit with its own default', () => {
  const c = decoded(cluster({ circuit_breakers: { thresholds: [{ max_requests: { value: 7 } }, { priority: 'HIGH', max_requests: { value: 1 } }] } }));
  assert.deepEqual(c.circuitBreakers, { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 7, maxRetries: 3 });
});

test("Should apply Envoy's outlier detection defaults to an empty outlier_detection", () => {
  const c = decoded(cluster({ outlier_detection: {} }));
  assert.deepEqual(c.outlierDetection, {
    consecutive5xx: 5,
    consecutiveGatewayFailure: 5,
    enforcingConsecutive5xx: 100,
    enforcingConsecutiveGatewayFailure: 0,
    intervalMs: 10_000,
    baseEjectionTimeMs: 30_000,
    maxEjectionPercent: 10,
    splitExternalLocalOriginErrors: false,
    consecutiveLocalOriginFailure: 5,
  });
});

test('Should apply the load balancer defaults and explicit settings', () => {
  assert.deepEqual(decoded(cluster({ lb_policy: 'RING_HASH' })).ringHash, { minimumRingSize: 1024, maximumRingSize: 8_388_608 });
  assert.deepEqual(decoded(cluster({ lb_policy: 'MAGLEV' })).maglev, { tableSize: 65_537 });
  assert.deepEqual(decoded(cluster({ lb_policy: 'MAGLEV', maglev_lb_config: { table_size: { value: '251' } } })).maglev, { tableSize: 251 });
  assert.equal(decoded(cluster({ lb_policy: 'LEAST_REQUEST', least_request_lb_config: { choice_count: { value: 4 } } })).leastRequestChoiceCount, 4);
});

test('Should read the upstream protocol and a fallback transport socket', () => {
  const c = decoded(cluster({
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions', explicit_http_config: { http2_protocol_options: {} } },
    },
    transport_socket: { name: 'tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', sni: 'x.example' } },
    health_checks: [{ interval: { seconds: '5' }, timeout: { seconds: '1' }, http_health_check: { path: '/healthz' } }],
  }));
  assert.equal(c.upstreamProtocol, 'http2');
  assert.deepEqual(c.transportSocketMatches, [{ name: 'tls', match: {}, tls: { sni: 'x.example', alpn: [], matchSubjectAltNames: [] } }]);
  assert.deepEqual(c.healthCheck, { intervalMs: 5000, timeoutMs: 1000, unhealthyThreshold: 1, healthyThreshold: 1, httpPath: '/healthz' });
});

test('Should accept file-based secrets named over SDS, which the agent serves from local files', () => {
  const c = decoded(cluster({
    transport_socket: { name: 'tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', common_tls_context: { tls_certificate_sds_secret_configs: [{ name: 'file-cert:/etc/certs/cert.pem~/etc/certs/key.pem' }], combined_validation_context: { default_validation_context: {}, validation_context_sds_secret_config: { name: 'file-root:/etc/certs/ca.pem' } } } } },
  }));
  assert.deepEqual(c.transportSocketMatches, [{ name: 'tls', match: {}, tls: { alpn: [], certificateSecret: 'file-cert:/etc/certs/cert.pem~/etc/certs/key.pem', validationSecret: 'file-root:/etc/certs/ca.pem', matchSubjectAltNames: [] } }]);
});

const HTTP_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const UPSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

function httpOptions(upstream: { [key: string]: Json }): { [key: string]: Json } {
  return { [HTTP_OPTIONS]: { '@type': `type.googleapis.com/${HTTP_OPTIONS}`, upstream_http_protocol_options: upstream } };
}

function simpleTls(validation: { [key: string]: Json }): { [key: string]: Json } {
  return { name: 'tls', typed_config: { '@type': UPSTREAM_TLS, common_tls_context: validation } };
}

test("Should read auto_sni and auto_san_validation from the upstream HTTP options of a SIMPLE DestinationRule's cluster", () => {
  const c = decoded(cluster({
    typed_extension_protocol_options: httpOptions({ auto_sni: true, auto_san_validation: true }),
    transport_socket: simpleTls({ combined_validation_context: { default_validation_context: {}, validation_context_sds_secret_config: { name: 'file-root:system' } } }),
  }));
  assert.equal(c.autoSni, true);
  assert.equal(c.autoSanValidation, true);
  const plain = decoded(cluster({}));
  assert.equal(plain.autoSni, undefined);
  assert.equal(plain.autoSanValidation, undefined);
});

const ERROR_CASES: ReadonlyArray<{ name: string; extra: { [key: string]: Json }; expect: RegExp }> = [
  {
    name: 'SAN matchers in an inline validation context without a trusted CA',
    extra: { transport_socket: simpleTls({ validation_context: { match_subject_alt_names: [{ exact: 'api.example.com' }] } }) },
    expect: /^transport_socket\.typed_config\.common_tls_context\.validation_context\.match_subject_alt_names: subject alt name matching needs a trusted CA/,
  },
  {
    name: 'typed SAN matchers in a combined validation context without an SDS validation secret',
    extra: { transport_socket: simpleTls({ combined_validation_context: { default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'api.example.com' } }] } } }) },
    expect: /^transport_socket\.typed_config\.common_tls_context\.combined_validation_context\.default_validation_context\.match_typed_subject_alt_names: subject alt name matching needs a trusted CA/,
  },
  {
    name: 'auto_san_validation over a transport socket without a validation context',
    extra: { typed_extension_protocol_options: httpOptions({ auto_sni: true, auto_san_validation: true }), transport_socket: simpleTls({ validation_context: {} }) },
    expect: /^typed_extension_protocol_options\.upstream_http_protocol_options\.auto_san_validation: transport socket tls has no validation context/,
  },
  {
    name: 'override_auto_sni_header',
    extra: { typed_extension_protocol_options: httpOptions({ auto_sni: true, override_auto_sni_header: 'x-host' }) },
    expect: /upstream_http_protocol_options\.override_auto_sni_header: not supported$/,
  },
  { name: 'a load_balancing_policy cluster', extra: { lb_policy: 'LOAD_BALANCING_POLICY_CONFIG' }, expect: /^lb_policy: unsupported load balancing policy LOAD_BALANCING_POLICY_CONFIG$/ },
  {
    name: 'an unknown transport socket',
    extra: { transport_socket_matches: [{ name: 'x', transport_socket: { name: 'alts', typed_config: { type_url: 'type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts', value: Buffer.alloc(0) } } }] },
    expect: /^transport_socket_matches\[0\]\.transport_socket\.typed_config: unsupported upstream transport socket type\.googleapis\.com\/envoy\.extensions\.transport_sockets\.alts\.v3\.Alts$/,
  },
  {
    name: 'inline certificates',
    extra: { transport_socket: { name: 'tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', common_tls_context: { tls_certificates: [{}] } } } },
    expect: /common_tls_context\.tls_certificates: inline certificates are not supported/,
  },
  { name: 'a minimum ring larger than the maximum', extra: { lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: { value: '4096' }, maximum_ring_size: { value: '1024' } } }, expect: /^ring_hash_lb_config\.minimum_ring_size: must not exceed/ },
  { name: 'an outlier percentage above 100', extra: { outlier_detection: { max_ejection_percent: { value: 101 } } }, expect: /^outlier_detection\.max_ejection_percent: must be at most 100$/ },
];

for (const c of ERROR_CASES) {
  test(`Should reject ${c.name} with the field path`, () => {
    const errors = errorsOf(cluster(c.extra));
    assert.ok(errors.some((e) => c.expect.test(e)), `got:\n${errors.join('\n')}`);
  });
}
