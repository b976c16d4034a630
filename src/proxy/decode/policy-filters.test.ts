import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from '../../xds/any.js';
import type { HttpConnectionManagerConfig, ListenerConfig } from '../config/listener.js';
import { DecodeErrors } from './decode-result.js';
import { decodeExtAuthz, ensureExtAuthzType, type ExtAuthzMessage } from './ext-authz.js';
import { decodeListener } from './listener.js';
import { decodeRouteConfiguration } from './route-configuration.js';
import { pack, type Json } from './testing.js';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const HTTP_RBAC = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';
const NET_RBAC = 'type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC';
const JWT = 'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';
const TCP = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };
const JWKS = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k' }] });

function listener(filters: Json[]): AnyMessage {
  return pack('envoy.config.listener.v3.Listener', { name: 'l', address: { socket_address: { address: '0.0.0.0', port_value: 15006 } }, filter_chains: [{ filters }] });
}

function hcm(httpFilters: Json[]): Json {
  return { name: 'hcm', typed_config: { '@type': HCM, stat_prefix: 'inbound_0.0.0.0_8080', rds: { route_config_name: 'r' }, http_filters: [...httpFilters, ROUTER] } };
}

function decodeOk(any: AnyMessage): ListenerConfig {
  const r = decodeListener(any);
  assert.ok(r.valid, r.valid ? '' : r.errors.join('\n'));
  return r.result;
}

function errorsOf(any: AnyMessage): string[] {
  const r = decodeListener(any);
  assert.equal(r.valid, false, 'expected a NACK');
  return r.valid ? [] : r.errors;
}

function hcmOf(l: ListenerConfig): HttpConnectionManagerConfig {
  const n = l.filterChains[0]!.network;
  assert.equal(n.kind, 'http');
  return n.hcm;
}

/** What Pilot writes for an ALLOW policy: principals and namespaces, a request principal, methods and paths. */
const ALLOW_RBAC: Json = {
  name: 'envoy.filters.http.rbac',
  typed_config: {
    '@type': HTTP_RBAC,
    rules: {
      action: 'ALLOW',
      policies: {
        'ns[default]-policy[b]-rule[0]': {
          permissions: [{ and_rules: { rules: [{ or_rules: { rules: [{ header: { name: ':method', string_match: { exact: 'GET' } } }] } }, { or_rules: { rules: [{ url_path: { path: { prefix: '/api/' } } }] } }] } }],
          principals: [{ and_ids: { ids: [{ or_ids: { ids: [{ authenticated: { principal_name: { exact: 'spiffe://cluster.local/ns/default/sa/sleep' } } }] } }, { not_id: { remote_ip: { address_prefix: '10.0.0.0', prefix_len: { value: 8 } } } }] } }],
        },
        'ns[default]-policy[a]-rule[0]': {
          permissions: [{ destination_port_range: { start: 8000, end: 9000 } }],
          principals: [{ metadata: { filter: 'istio_authn', path: [{ key: 'request.auth.claims' }, { key: 'groups' }], value: { list_match: { one_of: { string_match: { exact: 'admin' } } } } } }],
        },
      },
    },
    shadow_rules_stat_prefix: 'istio_dry_run_allow_',
  },
};

test('Should decode the HTTP RBAC filter Pilot writes, with policies in name order', () => {
  const f = hcmOf(decodeOk(listener([hcm([ALLOW_RBAC])]))).httpFilters[0]!;
  assert.equal(f.kind, 'rbac');
  if (f.kind !== 'rbac') return;
  assert.equal(f.rbac.rules?.action, 'ALLOW');
  assert.deepEqual(f.rbac.rules?.policies.map((p) => p.name), ['ns[default]-policy[a]-rule[0]', 'ns[default]-policy[b]-rule[0]']);
  assert.deepEqual(f.rbac.rules?.policies[0]?.principals[0], {
    kind: 'metadata',
    metadata: { filter: 'istio_authn', path: ['request.auth.claims', 'groups'], value: { kind: 'list', oneOf: { kind: 'string', match: { kind: 'exact', value: 'admin', ignoreCase: false } } }, invert: false },
  });
  assert.deepEqual(f.rbac.rules?.policies[1]?.principals[0], {
    kind: 'and',
    ids: [
      { kind: 'or', ids: [{ kind: 'authenticated', match: { kind: 'exact', value: 'spiffe://cluster.local/ns/default/sa/sleep', ignoreCase: false } }] },
      { kind: 'not', id: { kind: 'remote_ip', cidr: { address: '10.0.0.0', prefixLen: 8 } } },
    ],
  });
  assert.equal(f.rbac.shadowRulesStatPrefix, 'istio_dry_run_allow_');
});

test('Should decode the jwt_authn filter Pilot writes for a RequestAuthentication', () => {
  const jwt: Json = {
    name: 'envoy.filters.http.jwt_authn',
    typed_config: {
      '@type': JWT,
      providers: { 'origins-0': { issuer: 'https://issuer.example', audiences: ['books'], local_jwks: { inline_string: JWKS }, forward: true, payload_in_metadata: 'https://issuer.example' } },
      rules: [{ match: { prefix: '/' }, requires: { requires_any: { requirements: [{ provider_name: 'origins-0' }, { allow_missing: {} }] } } }],
      bypass_cors_preflight: true,
    },
  };
  const f = hcmOf(decodeOk(listener([hcm([jwt, ALLOW_RBAC])]))).httpFilters[0]!;
  assert.equal(f.kind, 'jwt_authn');
  if (f.kind !== 'jwt_authn') return;
  assert.deepEqual(f.jwt.providers[0], {
    name: 'origins-0', issuer: 'https://issuer.example', audiences: ['books'], jwks: JWKS, forward: true, fromHeaders: [], fromParams: [], fromCookies: [], claimToHeaders: [], spaceDelimitedClaims: [],
    payloadInMetadata: 'https://issuer.example', clockSkewSeconds: 60,
  });
  assert.deepEqual(f.jwt.rules[0]?.requires, { kind: 'requires_any', requirements: [{ kind: 'provider', provider: 'origins-0' }, { kind: 'allow_missing' }] });
  assert.equal(f.jwt.bypassCorsPreflight, true);
});

const NACKS: ReadonlyArray<{ name: string; filter: Json; expect: RegExp }> = [
  {
    name: 'a CEL condition on a policy',
    filter: { name: 'r', typed_config: { '@type': HTTP_RBAC, rules: { policies: { p: { permissions: [{ any: true }], principals: [{ any: true }], condition: { id: 1 } } } } } },
    expect: /http_filters\[0\]\.typed_config\.rules\.policies\[p\]\.condition: CEL conditions are not supported$/,
  },
  {
    name: 'a permission using an extension matcher',
    filter: { name: 'r', typed_config: { '@type': HTTP_RBAC, rules: { policies: { p: { permissions: [{ or_rules: { rules: [{ uri_template: { name: 't' } }] } }], principals: [{ any: true }] } } } } },
    expect: /rules\.policies\[p\]\.permissions\[0\]\.or_rules\.rules\[0\]\.uri_template: not supported$/,
  },
  {
    name: 'an RE2-invalid principal regex',
    filter: { name: 'r', typed_config: { '@type': HTTP_RBAC, rules: { policies: { p: { permissions: [{ any: true }], principals: [{ authenticated: { principal_name: { safe_regex: { regex: '(' } } } }] } } } } },
    expect: /principals\[0\]\.authenticated\.principal_name\.safe_regex\.regex: invalid RE2 regex/,
  },
  {
    name: 'a policy without principals',
    filter: { name: 'r', typed_config: { '@type': HTTP_RBAC, rules: { policies: { p: { permissions: [{ any: true }] } } } } },
    expect: /rules\.policies\[p\]\.principals: at least one principal is required$/,
  },
  {
    name: 'a JWKS that is not JSON',
    filter: { name: 'j', typed_config: { '@type': JWT, providers: { p: { issuer: 'i', local_jwks: { inline_string: 'nope' } } } } },
    expect: /providers\[p\]\.local_jwks: invalid JWKS/,
  },
  {
    name: 'a requirement naming an unknown provider',
    filter: { name: 'j', typed_config: { '@type': JWT, providers: { p: { issuer: 'i', local_jwks: { inline_string: JWKS } } }, rules: [{ match: { prefix: '/' }, requires: { provider_name: 'q' } }] } },
    expect: /rules\[0\]\.requires\.provider_name: unknown provider "q"$/,
  },
  {
    name: 'a provider that matches subjects',
    filter: { name: 'j', typed_config: { '@type': JWT, providers: { p: { issuer: 'i', local_jwks: { inline_string: JWKS }, subjects: { prefix: 'spiffe://' } } } } },
    expect: /providers\[p\]\.subjects: not supported$/,
  },
];

for (const c of NACKS) {
  test(`Should NACK ${c.name} with the field path`, () => {
    const errors = errorsOf(listener([hcm([c.filter])]));
    assert.ok(errors.some((e) => c.expect.test(e)), `got:\n${errors.join('\n')}`);
  });
}

test('Should attach network RBAC filters to the TCP proxy that follows them, and refuse one with nothing after it', () => {
  const rbac = { name: 'envoy.filters.network.rbac', typed_config: { '@type': NET_RBAC, stat_prefix: 'tcp.', rules: { action: 'DENY', policies: { 'ns[db]-policy[d]-rule[0]': { permissions: [{ destination_port: 5432 }], principals: [{ not_id: { authenticated: {} } }] } } } } };
  const tcp = { name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TCP, stat_prefix: 'inbound|5432||', cluster: 'inbound|5432||' } };
  const network = decodeOk(listener([rbac, tcp])).filterChains[0]!.network;
  assert.equal(network.kind, 'tcp');
  if (network.kind !== 'tcp') return;
  assert.equal(network.tcp.networkRbac?.length, 1);
  assert.equal(network.tcp.networkRbac?.[0]?.statPrefix, 'tcp.');
  assert.deepEqual(network.tcp.networkRbac?.[0]?.rules?.policies[0]?.principals, [{ kind: 'not', id: { kind: 'authenticated' } }]);
  const errors = errorsOf(listener([tcp, rbac]));
  assert.ok(errors.some((e) => /^filter_chains\[0\]\.filters\[1\]: a policy filter must be followed by a terminal filter/.test(e)), errors.join('\n'));
});

test('Should decode RBACPerRoute on routes and virtual hosts, keyed by filter name; no rbac disables', () => {
  const perRoute = (rbac?: Json) => ({ '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute', ...(rbac ? { rbac } : {}) });
  const any = pack('envoy.config.route.v3.RouteConfiguration', {
    name: 'r',
    virtual_hosts: [{
      name: 'v',
      domains: ['*'],
      typed_per_filter_config: { 'envoy.filters.http.rbac': perRoute({ rules: { action: 'DENY', policies: {} } }) },
      routes: [{ match: { prefix: '/' }, route: { cluster: 'c' }, typed_per_filter_config: { 'envoy.filters.http.rbac': perRoute() } }],
    }],
  });
  const r = decodeRouteConfiguration(any);
  assert.ok(r.valid, r.valid ? '' : r.errors.join('\n'));
  const vhost = r.result.virtualHosts[0]!;
  assert.deepEqual(vhost.routes[0]?.rbacPerRoute, { 'envoy.filters.http.rbac': {} });
  assert.deepEqual(vhost.rbacPerRoute?.['envoy.filters.http.rbac']?.rbac?.rules, { action: 'DENY', policies: [] });
});

test('Should decode ext_authz in HTTP service mode and refuse gRPC mode', () => {
  const message: ExtAuthzMessage = {
    http_service: {
      server_uri: { uri: 'http://ext-authz.foo.svc.cluster.local:8000', cluster: 'outbound|8000||ext-authz.foo.svc.cluster.local', timeout: { seconds: '0', nanos: 600_000_000 } },
      path_prefix: '/check',
      authorization_request: { allowed_headers: { patterns: [{ exact: 'x-ext-authz', ignore_case: true, match_pattern: 'exact' }] }, headers_to_add: [] },
      authorization_response: { allowed_upstream_headers: { patterns: [{ exact: 'x-user', ignore_case: false, match_pattern: 'exact' }] } },
    },
    failure_mode_allow: true,
    status_on_error: { code: 'ServiceUnavailable' },
  };
  const errors = new DecodeErrors();
  const config = decodeExtAuthz(message, errors, 'f');
  assert.ok(errors.ok, errors.list.join('\n'));
  assert.equal(config?.authority, 'ext-authz.foo.svc.cluster.local:8000');
  assert.equal(config?.timeoutMs, 600);
  assert.equal(config?.statusOnError, 503);
  assert.deepEqual(config?.allowedHeaders, [{ kind: 'exact', value: 'x-ext-authz', ignoreCase: true }]);
  const grpc = new DecodeErrors();
  decodeExtAuthz({ grpc_service: { envoy_grpc: { cluster_name: 'c' } }, failure_mode_allow: false }, grpc, 'f');
  assert.deepEqual(grpc.list, ['f.grpc_service: not supported (HTTP service mode only)', 'f.http_service.server_uri: an HTTP service with a server_uri is required']);
});

test('Should decode the ext_authz filter Pilot packs for a CUSTOM policy, through the HTTP filter registry', () => {
  ensureExtAuthzType();
  const extAuthz = {
    name: 'envoy.filters.http.ext_authz',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz',
      http_service: { server_uri: { uri: 'http://ext-authz.foo.svc.cluster.local', cluster: 'outbound|8000||ext-authz.foo.svc.cluster.local', timeout: { seconds: 600 } } },
      transport_api_version: 'V3',
      failure_mode_allow: false,
      status_on_error: { code: 403 },
      filter_enabled_metadata: { filter: 'envoy.filters.http.rbac', path: [{ key: 'istio_ext_authz_shadow_effective_policy_id' }], value: { string_match: { prefix: 'istio-ext-authz' } } },
      allowed_headers: { patterns: [{ exact: 'x-ext-authz' }] },
    },
  };
  const f = hcmOf(decodeOk(listener([hcm([extAuthz])]))).httpFilters[0]!;
  assert.equal(f.kind, 'ext_authz');
  if (f.kind !== 'ext_authz') return;
  assert.equal(f.extAuthz.cluster, 'outbound|8000||ext-authz.foo.svc.cluster.local');
  assert.equal(f.extAuthz.timeoutMs, 600_000);
  assert.equal(f.extAuthz.statusOnError, 403);
  assert.deepEqual(f.extAuthz.allowedHeaders, [{ kind: 'exact', value: 'x-ext-authz', ignoreCase: false }]);
  assert.deepEqual(f.extAuthz.enabledMetadata?.path, ['istio_ext_authz_shadow_effective_policy_id']);
});
