import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { AnyResource, GatewaySpec } from '../../../api/index.js';
import { BOOKINFO, fakeProxy, gateway, kubeService, port, testPush, virtualService } from '../rds/testing.js';
import { createGatewayLdsGenerator } from './lds-generator.js';

const ingress = fakeProxy({ type: 'router', labels: { istio: 'ingressgateway' } });
const selector = { istio: 'ingressgateway' };

function listeners(gw: GatewaySpec, resources: AnyResource[] = []): Map<string, Listener> {
  const push = testPush({ services: [...BOOKINFO, kubeService('db', [port(5432, 'TCP')])], resources: [gateway('gw', gw), ...resources] });
  return new Map(createGatewayLdsGenerator().generate(ingress, push, undefined).map((r) => [r.name, r.message as Listener]));
}

const filterOf = <T>(chain: FilterChain | undefined): T => unpackAny<T>(chain!.filters!.at(-1)!.typed_config as AnyMessage);
const socketOf = <T>(chain: FilterChain | undefined): T => unpackAny<T>(chain!.transport_socket!.typed_config as AnyMessage);
interface Hcm { stat_prefix: string; rds: { route_config_name: string }; use_remote_address: { value: boolean }; http_filters: { name: string }[] }
interface Tcp { cluster: string }
interface Tls {
  require_client_certificate: { value: boolean };
  common_tls_context: {
    alpn_protocols: string[];
    tls_certificate_sds_secret_configs: { name: string }[];
    combined_validation_context: { validation_context_sds_secret_config: { name: string } } | null;
    tls_params: { tls_minimum_protocol_version: string } | null;
  };
}

test('Should give HTTP servers on a port one listener whose connection manager routes over http.<port>', () => {
  const l = listeners({ selector, servers: [
    { port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.com'] },
    { port: { number: 8080, name: 'http2', protocol: 'HTTP' }, hosts: ['b.example.com'] },
  ] }).get('0.0.0.0_8080');
  assert.deepEqual(l?.address, { socket_address: { address: '0.0.0.0', port_value: 8080 } });
  assert.equal(l?.filter_chains?.length, 1);
  const hcm = filterOf<Hcm>(l?.filter_chains?.[0]);
  assert.equal(hcm.rds.route_config_name, 'http.8080');
  assert.deepEqual(hcm.use_remote_address, { value: true });
  assert.equal(hcm.http_filters.at(-1)?.name, 'envoy.filters.http.router');
});

test('Should terminate HTTPS per server with SNI matching and the credentialName certificate from SDS', () => {
  const l = listeners({ selector, servers: [
    { port: { number: 443, name: 'https-a', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a-cert', minProtocolVersion: 'TLSV1_2' } },
    { port: { number: 443, name: 'https-b', protocol: 'HTTPS' }, hosts: ['ns/b.example.com'], tls: { mode: 'MUTUAL', credentialName: 'b-cert' } },
  ] }).get('0.0.0.0_443');
  assert.deepEqual(l?.filter_chains?.map((c) => c.filter_chain_match?.server_names), [['a.example.com'], ['b.example.com']]);
  assert.equal(filterOf<Hcm>(l?.filter_chains?.[0]).rds.route_config_name, 'https.443.https-a.gw.default');
  const a = socketOf<Tls>(l?.filter_chains?.[0]);
  assert.deepEqual(a.common_tls_context.tls_certificate_sds_secret_configs.map((s) => s.name), ['a-cert']);
  assert.deepEqual(a.common_tls_context.alpn_protocols, ['h2', 'http/1.1']);
  assert.equal(a.common_tls_context.tls_params?.tls_minimum_protocol_version, 'TLSv1_2');
  assert.deepEqual(a.require_client_certificate, { value: false });
  const b = socketOf<Tls>(l?.filter_chains?.[1]);
  assert.deepEqual(b.require_client_certificate, { value: true });
  assert.equal(b.common_tls_context.combined_validation_context?.validation_context_sds_secret_config.name, 'b-cert-cacert');
  assert.deepEqual(l?.listener_filters?.map((f) => f.name), ['envoy.filters.listener.tls_inspector']);
});

test('Should serve certificate files and ISTIO_MUTUAL through Istio\'s SDS secret names', () => {
  const l = listeners({ selector, servers: [
    { port: { number: 8443, name: 'https-files', protocol: 'HTTPS' }, hosts: ['files.example.com'], tls: { mode: 'MUTUAL', serverCertificate: '/certs/cert.pem', privateKey: '/certs/key.pem', caCertificates: '/certs/ca.pem' } },
    { port: { number: 8443, name: 'https-mesh', protocol: 'HTTPS' }, hosts: ['mesh.example.com'], tls: { mode: 'ISTIO_MUTUAL' } },
  ] }).get('0.0.0.0_8443');
  const files = socketOf<Tls>(l?.filter_chains?.[0]);
  assert.deepEqual(files.common_tls_context.tls_certificate_sds_secret_configs.map((s) => s.name), ['file-cert:/certs/cert.pem~/certs/key.pem']);
  assert.equal(files.common_tls_context.combined_validation_context?.validation_context_sds_secret_config.name, 'file-root:/certs/ca.pem');
  const mesh = socketOf<Tls>(l?.filter_chains?.[1]);
  assert.deepEqual(mesh.common_tls_context.tls_certificate_sds_secret_configs.map((s) => s.name), ['default']);
  assert.equal(mesh.common_tls_context.combined_validation_context?.validation_context_sds_secret_config.name, 'ROOTCA');
});

test('Should route TLS passthrough by SNI from the bound VirtualServices\' tls rules to a TCP proxy', () => {
  const vs = virtualService('pass', {
    hosts: ['*.example.com'],
    gateways: ['gw'],
    tls: [
      { match: [{ port: 443, sniHosts: ['reviews.example.com'] }], route: [{ destination: { host: 'reviews', port: { number: 9443 } } }] },
      { match: [{ sniHosts: ['ratings.example.com'] }], route: [{ destination: { host: 'ratings' } }] },
    ],
  });
  const l = listeners({ selector, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['*.example.com'], tls: { mode: 'PASSTHROUGH' } }] }, [vs]).get('0.0.0.0_443');
  assert.deepEqual(l?.filter_chains?.map((c) => c.filter_chain_match?.server_names), [['reviews.example.com'], ['ratings.example.com']]);
  assert.equal(filterOf<Tcp>(l?.filter_chains?.[0]).cluster, 'outbound|9443||reviews.default.svc.cluster.local');
  assert.equal(filterOf<Tcp>(l?.filter_chains?.[1]).cluster, 'outbound|9080||ratings.default.svc.cluster.local');
  assert.equal(l?.filter_chains?.[0]?.transport_socket, undefined);
});

test('Should proxy a TCP server to its tcp route, and build no listener for a TCP server nothing routes', () => {
  const vs = virtualService('db', { hosts: ['*'], gateways: ['gw'], tcp: [{ match: [{ port: 31400 }], route: [{ destination: { host: 'db' } }] }] });
  const all = listeners({ selector, servers: [
    { port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] },
    { port: { number: 31401, name: 'tcp-unused', protocol: 'TCP' }, hosts: ['*'] },
  ] }, [vs]);
  assert.equal(filterOf<Tcp>(all.get('0.0.0.0_31400')?.filter_chains?.[0]).cluster, 'outbound|5432||db.default.svc.cluster.local');
  assert.equal(all.has('0.0.0.0_31401'), false);
});
