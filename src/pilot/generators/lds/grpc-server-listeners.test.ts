import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Metadata } from '@grpc/grpc-js';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { AnyResource } from '../../../api/index.js';
import type { DownstreamTlsContext__Output } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.js';
import { authorizationPolicy } from '../../security/authz/authz-testing.js';
import { modePolicy, peerAuthentication } from '../../security/mtls/testing.js';
import { grpcDecodeListener } from '../rds/grpc-xds-decoders.js';
import { fakeProxy, kubeService, port, testPush } from '../rds/testing.js';
import { GRPC_SERVER_LISTENER_PREFIX, parseGrpcServerListenerName } from './grpc-server-listeners.js';
import { createGrpcLdsGenerator, listenerResource } from './lds-generator.js';

// grpc-js-xds registers its RBAC filter only with this set when its modules first load (lazily, below).
process.env.GRPC_XDS_EXPERIMENTAL_RBAC = 'true';
const require = createRequire(import.meta.url);

const NAME = `${GRPC_SERVER_LISTENER_PREFIX}127.0.0.1:7070`;
const server = fakeProxy({ generator: 'grpc', id: 'echo-server', namespace: 'default', labels: { app: 'echo' } });

interface Hcm {
  route_config: { virtual_hosts: { domains: string[]; routes: { match: { prefix: string }; action: string; non_forwarding_action?: object }[] }[] };
  http_filters: { name: string; typed_config: AnyMessage }[];
}

function serverListener(resources: Parameters<typeof authorizationPolicy>[1][] = [], proxy = server): Listener {
  const policies = resources.map((spec, i) => authorizationPolicy(`p${i}`, spec));
  const [res] = createGrpcLdsGenerator().generate(proxy, testPush({ resources: policies }), [NAME]);
  assert.equal(res?.name, NAME);
  return res.message as Listener;
}

function hcmOf(listener: Listener): Hcm {
  const [chain] = listener.filter_chains ?? [];
  return unpackAny<Hcm>(chain!.filters![0]!.typed_config as AnyMessage);
}

interface RbacGroup {
  apply(info: unknown): boolean;
}

/** Whether grpc-js-xds's own RBAC filters of `listener` let a call to `path` through, in order. */
function grpcAllows(listener: Listener, path: string, headers: Record<string, string> = {}): boolean {
  // Decoding first also loads and registers grpc-js-xds's filters, which parsing below needs.
  assert.equal(decodeServerListener(listener).error, undefined);
  const httpFilter = require('@grpc/grpc-js-xds/build/src/http-filter.js') as { parseTopLevelFilterConfig(c: unknown, client: boolean): { config: RbacGroup } | null };
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
  metadata.set(':path', path);
  const info = { destinationIp: '127.0.0.1', destinationPort: 7070, sourceIp: '127.0.0.1', headers: metadata, tls: false, peerCertificate: null, urlPath: path };
  return hcmOf(listener)
    .http_filters.slice(0, -1)
    .every((f) => {
      const parsed = httpFilter.parseTopLevelFilterConfig({ type_url: f.typed_config.type_url, value: Buffer.from(f.typed_config.value) }, false);
      assert.ok(parsed, `grpc-js parses ${f.name}`);
      return parsed.config.apply(info);
    });
}

/** grpc-js-xds's verdict on a listener, with the certificate providers of a server's bootstrap. */
function decodeServerListener(listener: Listener, providers: readonly string[] = ['default']): { error?: string } {
  grpcDecodeListener(listenerResource(listener).resource); // registers grpc-js-xds's filters
  const mod = require('@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type.js') as {
    ListenerResourceType: { get(): { decode(ctx: unknown, res: unknown): { error?: string } } };
  };
  const certificateProviders = Object.fromEntries(providers.map((p) => [p, { plugin_name: 'file_watcher', config: {} }]));
  const { resource } = listenerResource(listener);
  return mod.ListenerResourceType.get().decode({ bootstrap: { certificateProviders }, server: undefined }, { type_url: resource.type_url, value: Buffer.from(resource.value) });
}

const DENY_FORBIDDEN = { action: 'DENY' as const, rules: [{ to: [{ operation: { paths: ['/echo.Echo/Forbidden'] } }] }] };
const ALLOW_HELLO = { selector: { matchLabels: { app: 'echo' } }, action: 'ALLOW' as const, rules: [{ to: [{ operation: { paths: ['/echo.Echo/Hello'] } }] }] };

test('Should read the bound address of a server listener name, IPv4 or bracketed IPv6', () => {
  assert.deepEqual(parseGrpcServerListenerName(`${GRPC_SERVER_LISTENER_PREFIX}10.0.0.1:8080`), { host: '10.0.0.1', port: 8080 });
  assert.deepEqual(parseGrpcServerListenerName(`${GRPC_SERVER_LISTENER_PREFIX}[::]:50051`), { host: '::', port: 50051 });
  assert.deepEqual(parseGrpcServerListenerName(`${GRPC_SERVER_LISTENER_PREFIX}0.0.0.0:1`), { host: '0.0.0.0', port: 1 });
});

test('Should refuse server listener names without an IP literal and a port 1-65535', () => {
  for (const address of ['echo:8080', '10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', '::1:80', '[10.0.0.1]:80', '[::1]80', '10.0.0.1:80x', '']) {
    assert.equal(parseGrpcServerListenerName(`${GRPC_SERVER_LISTENER_PREFIX}${address}`), undefined, address);
  }
  assert.equal(parseGrpcServerListenerName('10.0.0.1:8080'), undefined);
});

test('Should answer a server name with a listener at exactly the bound address, serving every call in place', () => {
  const listener = serverListener();
  assert.deepEqual(listener.address, { socket_address: { address: '127.0.0.1', port_value: 7070 } });
  assert.equal(listener.filter_chains?.length, 1);
  assert.equal(listener.filter_chains?.[0]?.transport_socket, undefined, 'plaintext: no transport socket');
  assert.equal(listener.filter_chains?.[0]?.filter_chain_match, undefined);
  assert.equal(listener.api_listener, undefined);
  const hcm = hcmOf(listener);
  assert.deepEqual(hcm.route_config.virtual_hosts.map((v) => v.domains), [['*']]);
  const [route] = hcm.route_config.virtual_hosts[0]!.routes;
  assert.equal(route?.match.prefix, '/');
  assert.equal(route?.action, 'non_forwarding_action');
  assert.deepEqual(hcm.http_filters.map((f) => f.name), ['envoy.filters.http.router'], 'no policy: the router alone, no fault filter');
  assert.ok(grpcAllows(listener, '/echo.Echo/Forbidden'));
});

test('Should put the DENY filter before the ALLOW filter before the router, with distinct names', () => {
  const hcm = hcmOf(serverListener([ALLOW_HELLO, DENY_FORBIDDEN]));
  const actions = hcm.http_filters.map((f) => [f.name, unpackAny<{ rules?: { action: string } }>(f.typed_config).rules?.action]);
  assert.deepEqual(actions, [
    ['envoy.filters.http.rbac.DENY', 'DENY'],
    ['envoy.filters.http.rbac', 'ALLOW'],
    ['envoy.filters.http.router', undefined],
  ]);
});

test('Should deny the method a DENY policy names and serve the others, as grpc-js evaluates it', () => {
  const listener = serverListener([DENY_FORBIDDEN]);
  assert.equal(grpcAllows(listener, '/echo.Echo/Forbidden'), false);
  assert.equal(grpcAllows(listener, '/echo.Echo/Hello'), true);
});

test('Should serve only the methods an ALLOW policy lists, and a DENY still wins over an ALLOW', () => {
  const allowOnly = serverListener([ALLOW_HELLO]);
  assert.equal(grpcAllows(allowOnly, '/echo.Echo/Hello'), true);
  assert.equal(grpcAllows(allowOnly, '/echo.Echo/Forbidden'), false);
  const both = serverListener([{ ...ALLOW_HELLO, rules: [{}] }, { action: 'DENY', rules: [{ when: [{ key: 'request.headers[x-user]', values: ['mallory'] }] }] }]);
  assert.equal(grpcAllows(both, '/echo.Echo/Hello', { 'x-user': 'alice' }), true);
  assert.equal(grpcAllows(both, '/echo.Echo/Hello', { 'x-user': 'mallory' }), false);
});

test('Should match hosts against the call authority, wildcards included, as grpc-js evaluates it', () => {
  const listener = serverListener([{ action: 'ALLOW', rules: [{ to: [{ operation: { hosts: ['*.example.com', 'echo'] } }] }] }]);
  assert.equal(grpcAllows(listener, '/echo.Echo/Hello', { ':authority': 'api.EXAMPLE.com:7070' }), true);
  assert.equal(grpcAllows(listener, '/echo.Echo/Hello', { ':authority': 'echo:7070' }), true);
  assert.equal(grpcAllows(listener, '/echo.Echo/Hello', { ':authority': 'other.test:7070' }), false);
});

test('Should apply only policies that select the workload by namespace and labels', () => {
  const other = { ...DENY_FORBIDDEN, selector: { matchLabels: { app: 'other' } } };
  assert.deepEqual(hcmOf(serverListener([other])).http_filters.map((f) => f.name), ['envoy.filters.http.router']);
  const elsewhere = fakeProxy({ generator: 'grpc', namespace: 'prod', labels: { app: 'echo' } });
  assert.deepEqual(hcmOf(serverListener([DENY_FORBIDDEN], elsewhere)).http_filters.map((f) => f.name), ['envoy.filters.http.router']);
  const rootWide = authorizationPolicy('mesh-deny', DENY_FORBIDDEN, 'istio-system');
  const [res] = createGrpcLdsGenerator().generate(elsewhere, testPush({ resources: [rootWide] }), [NAME]);
  assert.equal(grpcAllows(res!.message as Listener, '/echo.Echo/Forbidden'), false, 'root namespace policies apply everywhere');
});

test('Should send server listeners that grpc-js-xds accepts with RBAC on', () => {
  const push = testPush({ resources: [authorizationPolicy('deny', DENY_FORBIDDEN), authorizationPolicy('allow', ALLOW_HELLO)] });
  for (const res of createGrpcLdsGenerator().generate(server, push, [NAME, `${GRPC_SERVER_LISTENER_PREFIX}[::]:7071`])) {
    const decoded = grpcDecodeListener(res.resource);
    assert.equal(decoded.error, undefined);
    assert.equal(decoded.name, res.name);
  }
});

test('Should answer client and server names of one request, and leave out malformed server names', () => {
  const push = testPush({ services: [kubeService('echo', [port(7070, 'GRPC', 'grpc')])] });
  const names = createGrpcLdsGenerator()
    .generate(server, push, ['echo:7070', NAME, `${GRPC_SERVER_LISTENER_PREFIX}echo:7070`, 'missing:1'])
    .map((r) => r.name);
  assert.deepEqual(names, ['echo:7070', NAME]);
  assert.deepEqual(createGrpcLdsGenerator().generate(server, push, undefined).map((r) => r.name), ['echo.default.svc.cluster.local:7070'], 'a wildcard gets client listeners only');
});

test('Should take its policy filters from the serverFilters option', () => {
  const seen: string[] = [];
  const generator = createGrpcLdsGenerator({ serverFilters: (proxy) => (seen.push(proxy.id), []) });
  generator.generate(server, testPush({ resources: [authorizationPolicy('deny', DENY_FORBIDDEN)] }), [NAME]);
  assert.deepEqual(seen, ['echo-server']);
});

/** The listeners for `names` of `proxy` under PeerAuthentication `resources`. */
function mtlsListeners(resources: AnyResource[], proxy = server, names = [NAME]): Listener[] {
  return createGrpcLdsGenerator()
    .generate(proxy, testPush({ resources }), names)
    .map((r) => r.message as Listener);
}

/** The DownstreamTlsContext of the listener's only chain, or undefined for a plaintext chain. */
function serverTlsOf(listener: Listener | undefined): DownstreamTlsContext__Output | undefined {
  assert.equal(listener?.filter_chains?.length, 1);
  const socket = listener.filter_chains[0]?.transport_socket;
  if (!socket) return undefined;
  assert.equal(socket.name, 'envoy.transport_sockets.tls');
  return unpackAny<DownstreamTlsContext__Output>(socket.typed_config as AnyMessage);
}

const workloadPolicy = (name: string, spec: Parameters<typeof peerAuthentication>[2]) => peerAuthentication('default', name, { selector: { matchLabels: { app: 'echo' } }, ...spec });

test("Should give a STRICT server one mTLS chain with the bootstrap's certificates, requiring a client certificate, as grpc-js-xds accepts", () => {
  const [listener] = mtlsListeners([modePolicy('default', 'strict', 'STRICT')]);
  assert.ok(listener);
  assert.equal(listener.filter_chains?.[0]?.filter_chain_match, undefined, 'gRPC cannot match on TLS: one chain');
  const tls = serverTlsOf(listener);
  assert.equal(tls?.require_client_certificate?.value, true);
  assert.deepEqual(tls?.common_tls_context?.tls_certificate_provider_instance, { instance_name: 'default', certificate_name: 'default' });
  const validation = tls?.common_tls_context?.combined_validation_context?.default_validation_context;
  assert.deepEqual(validation?.ca_certificate_provider_instance, { instance_name: 'default', certificate_name: 'ROOTCA' });
  assert.deepEqual(validation?.match_subject_alt_names, [], 'any workload of the mesh; authorization decides the rest');
  assert.equal(tls?.common_tls_context?.tls_params, null, 'grpc-js refuses tls_params');
  assert.equal(decodeServerListener(listener).error, undefined);
});

test('Should have a server whose bootstrap lacks the default certificate provider NACK its STRICT listener', () => {
  const [listener] = mtlsListeners([modePolicy('istio-system', 'mesh', 'STRICT')]);
  assert.ok(listener);
  assert.match(decodeServerListener(listener, []).error ?? '', /Unmatched .*instance_name: default/);
  assert.equal(decodeServerListener(mtlsListeners([])[0]!, []).error, undefined, 'a plaintext listener needs no provider');
});

test('Should serve PERMISSIVE and DISABLE in plaintext, which a gRPC server cannot tell apart from mTLS on one port', () => {
  assert.equal(serverTlsOf(mtlsListeners([])[0]), undefined, 'no policy is PERMISSIVE');
  assert.equal(serverTlsOf(mtlsListeners([modePolicy('istio-system', 'mesh', 'PERMISSIVE')])[0]), undefined);
  assert.equal(serverTlsOf(mtlsListeners([modePolicy('default', 'off', 'DISABLE')])[0]), undefined);
});

test('Should make PERMISSIVE STRICT for a server labelled security.istio.io/tlsMode: istio, but leave DISABLE plaintext', () => {
  const meshed = fakeProxy({ generator: 'grpc', id: 'meshed', namespace: 'default', labels: { app: 'echo', 'security.istio.io/tlsMode': 'istio' } });
  assert.equal(serverTlsOf(mtlsListeners([], meshed)[0])?.require_client_certificate?.value, true);
  assert.equal(serverTlsOf(mtlsListeners([modePolicy('default', 'ns', 'PERMISSIVE')], meshed)[0])?.require_client_certificate?.value, true);
  assert.equal(serverTlsOf(mtlsListeners([modePolicy('default', 'off', 'DISABLE')], meshed)[0]), undefined);
  const disabledLabel = fakeProxy({ generator: 'grpc', id: 'plain', namespace: 'default', labels: { app: 'echo', 'security.istio.io/tlsMode': 'disabled' } });
  assert.equal(serverTlsOf(mtlsListeners([], disabledLabel)[0]), undefined);
});

test('Should follow Istio\'s precedence: workload over namespace over mesh, and port level over the workload', () => {
  const strictNs = modePolicy('default', 'ns', 'STRICT');
  assert.equal(serverTlsOf(mtlsListeners([strictNs, workloadPolicy('echo', { mtls: { mode: 'DISABLE' } })])[0]), undefined);
  assert.ok(serverTlsOf(mtlsListeners([modePolicy('istio-system', 'mesh', 'DISABLE'), strictNs])[0]));
  assert.ok(serverTlsOf(mtlsListeners([workloadPolicy('other', { selector: { matchLabels: { app: 'other' } }, mtls: { mode: 'DISABLE' } }), strictNs])[0]));
  const ports = workloadPolicy('echo', { mtls: { mode: 'STRICT' }, portLevelMtls: { 7070: { mode: 'DISABLE' } } });
  const other = `${GRPC_SERVER_LISTENER_PREFIX}127.0.0.1:7071`;
  const [onPort, offPort] = mtlsListeners([ports], server, [NAME, other]);
  assert.equal(serverTlsOf(onPort), undefined, 'port 7070 is DISABLE');
  assert.ok(serverTlsOf(offPort), 'port 7071 keeps the workload STRICT');
  const [strictPort] = mtlsListeners([workloadPolicy('echo', { portLevelMtls: { 7070: { mode: 'STRICT' } } })]);
  assert.ok(serverTlsOf(strictPort), 'a STRICT port of a PERMISSIVE workload');
});

test('Should keep the RBAC filters on an mTLS chain, so principals rules meet the peer certificate', () => {
  const allow = authorizationPolicy('allow', { action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/sleep'] } }] }] });
  const [listener] = mtlsListeners([modePolicy('default', 'strict', 'STRICT'), allow]);
  assert.ok(serverTlsOf(listener));
  assert.deepEqual(hcmOf(listener!).http_filters.map((f) => f.name), ['envoy.filters.http.rbac', 'envoy.filters.http.router']);
  assert.equal(decodeServerListener(listener!).error, undefined);
});
