import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import { LISTENER_TYPE } from '../../xds/type-urls.js';
import type { HttpConnectionManagerConfig, ListenerConfig } from '../config/listener.js';
import { decodeListener } from './listener.js';
import { pack, productpageResources, type Json } from './testing.js';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };

function listener(chains: Json[], extra: { [key: string]: Json } = {}): AnyMessage {
  return pack('envoy.config.listener.v3.Listener', {
    name: 'l',
    address: { socket_address: { address: '0.0.0.0', port_value: 8080 } },
    filter_chains: chains,
    ...extra,
  });
}

function hcmChain(hcm: { [key: string]: Json }): Json {
  return { filters: [{ name: 'hcm', typed_config: { '@type': HCM, stat_prefix: 's', ...hcm } }] };
}

function decoded(any: AnyMessage): ListenerConfig {
  const r = decodeListener(any);
  assert.ok(r.valid, r.valid ? '' : r.errors.join('\n'));
  return r.result;
}

function errorsOf(any: AnyMessage): string[] {
  const r = decodeListener(any);
  assert.equal(r.valid, false, 'expected the listener to be rejected');
  return r.valid ? [] : r.errors;
}

function hcmOf(l: ListenerConfig, chain = 0): HttpConnectionManagerConfig {
  const network = l.filterChains[chain]?.network;
  assert.equal(network?.kind, 'http');
  return network.hcm;
}

test('Should decode every listener Pilot generates for the productpage sidecar', () => {
  const [outbound, port9080, inbound] = productpageResources().listeners.map(decoded);
  assert.ok(outbound && port9080 && inbound);
  assert.equal(outbound.name, 'virtualOutbound');
  assert.equal(outbound.port, 15001);
  assert.equal(outbound.useOriginalDst, true);
  assert.equal(outbound.trafficDirection, 'OUTBOUND');
  assert.equal(outbound.filterChains[0]?.match.destinationPort, 15001);
  assert.deepEqual(outbound.defaultFilterChain?.network, { kind: 'tcp', tcp: { statPrefix: 'PassthroughCluster', clusters: [{ name: 'PassthroughCluster', weight: 1 }], idleTimeoutMs: 3_600_000 } });

  const hcm = hcmOf(port9080);
  assert.equal(hcm.rdsRouteConfigName, '9080');
  assert.deepEqual(hcm.httpFilters.map((f) => f.kind), ['fault', 'cors', 'router']);

  assert.deepEqual(inbound.listenerFilters, ['original_dst', 'tls_inspector']);
  const inboundHcm = hcmOf(inbound, 1);
  assert.equal(inboundHcm.routeConfig?.name, 'inbound|9080||');
  assert.equal(inboundHcm.forwardClientCertDetails, 'APPEND_FORWARD');
  assert.equal(inbound.defaultFilterChain?.network.kind, 'tcp');
});

test("Should apply Envoy's connection manager and listener defaults", () => {
  const l = decoded(listener([hcmChain({ rds: { route_config_name: 'r' }, http_filters: [ROUTER] })]));
  const hcm = hcmOf(l);
  assert.equal(hcm.streamIdleTimeoutMs, 300_000);
  assert.equal(hcm.requestTimeoutMs, 0);
  assert.equal(hcm.requestHeadersTimeoutMs, 0);
  assert.equal(hcm.maxRequestHeadersKb, 60);
  assert.equal(hcm.generateRequestId, true);
  assert.equal(hcm.useRemoteAddress, false);
  assert.equal(hcm.codec, 'auto');
  assert.equal(l.bindToPort, true);
  assert.equal(l.listenerFiltersTimeoutMs, 15_000);
  assert.equal(l.trafficDirection, 'UNSPECIFIED');
});

test('Should keep explicit connection manager settings', () => {
  const l = decoded(listener([hcmChain({
    rds: { route_config_name: 'r' },
    http_filters: [ROUTER],
    codec_type: 'HTTP2',
    stream_idle_timeout: { seconds: '0' },
    request_headers_timeout: { nanos: 500_000_000 },
    max_request_headers_kb: { value: 96 },
    generate_request_id: { value: false },
    upgrade_configs: [{ upgrade_type: 'WebSocket' }, { upgrade_type: 'CONNECT', enabled: { value: false } }],
  })]));
  const hcm = hcmOf(l);
  assert.equal(hcm.codec, 'http2');
  assert.equal(hcm.streamIdleTimeoutMs, 0);
  assert.equal(hcm.requestHeadersTimeoutMs, 500);
  assert.equal(hcm.maxRequestHeadersKb, 96);
  assert.equal(hcm.generateRequestId, false);
  assert.deepEqual(hcm.upgradeTypes, ['websocket']);
});

test('Should decode a TLS filter chain with SDS secrets and a server name match', () => {
  const l = decoded(listener([{
    ...(hcmChain({ rds: { route_config_name: 'r' }, http_filters: [ROUTER] }) as { [key: string]: Json }),
    filter_chain_match: { server_names: ['Bookinfo.example.com'], transport_protocol: 'tls', prefix_ranges: [{ address_prefix: '10.0.0.0', prefix_len: { value: 8 } }] },
    transport_socket: {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
        require_client_certificate: { value: true },
        common_tls_context: {
          alpn_protocols: ['h2', 'http/1.1'],
          tls_certificate_sds_secret_configs: [{ name: 'bookinfo-cred' }],
          combined_validation_context: { default_validation_context: {}, validation_context_sds_secret_config: { name: 'bookinfo-cred-cacert' } },
        },
      },
    },
  }]));
  const chain = l.filterChains[0];
  assert.deepEqual(chain?.match.serverNames, ['bookinfo.example.com']);
  assert.equal(chain?.match.transportProtocol, 'tls');
  assert.deepEqual(chain?.match.prefixRanges, [{ address: '10.0.0.0', prefixLen: 8 }]);
  assert.deepEqual(chain?.tls, { requireClientCertificate: true, alpn: ['h2', 'http/1.1'], certificateSecret: 'bookinfo-cred', validationSecret: 'bookinfo-cred-cacert' });
});

const REDIS: AnyMessage = { type_url: 'type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy', value: Buffer.alloc(0) };

const ERROR_CASES: ReadonlyArray<{ name: string; any: () => AnyMessage; expect: RegExp }> = [
  {
    name: 'an unknown network filter',
    any: () => listener([hcmChain({ rds: { route_config_name: 'r' }, http_filters: [ROUTER] }), { filters: [{ name: 'redis', typed_config: REDIS }] }]),
    expect: /^filter_chains\[1\]\.filters\[0\]\.typed_config: unsupported network filter type\.googleapis\.com\/envoy\.extensions\.filters\.network\.redis_proxy\.v3\.RedisProxy$/,
  },
  {
    name: 'an RBAC HTTP filter using the generic matcher API',
    any: () => listener([hcmChain({ rds: { route_config_name: 'r' }, http_filters: [{ name: 'rbac', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC', matcher: {} } }, ROUTER] })]),
    expect: /^filter_chains\[0\]\.filters\[0\]\.typed_config\.http_filters\[0\]\.typed_config\.matcher: not supported; use rules$/,
  },
  {
    name: 'a JWT provider with remote JWKS but no fetch timeout',
    any: () => listener([hcmChain({ rds: { route_config_name: 'r' }, http_filters: [{ name: 'jwt', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication', providers: { 'origins-0': { issuer: 'i', remote_jwks: { http_uri: { uri: 'https://i/jwks', cluster: 'c' } } } } } }, ROUTER] })]),
    expect: /http_filters\[0\]\.typed_config\.providers\[origins-0\]\.remote_jwks\.http_uri\.timeout: a positive timeout is required$/,
  },
  {
    name: 'a connection manager without a router',
    any: () => listener([hcmChain({ rds: { route_config_name: 'r' }, http_filters: [] })]),
    expect: /^filter_chains\[0\]\.filters\[0\]\.typed_config\.http_filters: no router filter/,
  },
  {
    name: 'a connection manager without routes',
    any: () => listener([hcmChain({ http_filters: [ROUTER] })]),
    expect: /typed_config: no route_specifier set/,
  },
  {
    name: 'an api_listener',
    any: () => pack('envoy.config.listener.v3.Listener', { name: 'reviews:9080', api_listener: { api_listener: { '@type': HCM, rds: { route_config_name: 'r' } } } }),
    expect: /^api_listener: api_listener is for proxyless clients$/,
  },
  {
    name: 'an unknown listener filter',
    any: () => listener([hcmChain({ rds: { route_config_name: 'r' }, http_filters: [ROUTER] })], { listener_filters: [{ name: 'x', typed_config: REDIS }] }),
    expect: /^listener_filters\[0\]\.typed_config: unsupported listener filter /,
  },
  {
    name: 'bytes that do not decode',
    any: () => ({ type_url: LISTENER_TYPE, value: Buffer.from([0x0a, 0xff, 0xff, 0xff]) }),
    expect: /cannot decode/,
  },
  {
    name: 'a resource of another type',
    any: () => pack('envoy.config.cluster.v3.Cluster', { name: 'c' }),
    expect: /expected a resource of type\.googleapis\.com\/envoy\.config\.listener\.v3\.Listener/,
  },
];

for (const c of ERROR_CASES) {
  test(`Should reject ${c.name} with the field path`, () => {
    const errors = errorsOf(c.any());
    assert.ok(errors.some((e) => c.expect.test(e)), `got:\n${errors.join('\n')}`);
  });
}

test('Should report every bad filter chain, not only the first', () => {
  const errors = errorsOf(listener([
    { filters: [{ name: 'a', typed_config: REDIS }] },
    hcmChain({ rds: { route_config_name: 'r' }, http_filters: [ROUTER] }),
    { filters: [{ name: 'b', typed_config: REDIS }] },
  ]));
  assert.equal(errors.length, 2);
  assert.match(errors[0] ?? '', /^filter_chains\[0\]/);
  assert.match(errors[1] ?? '', /^filter_chains\[2\]/);
});
