import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import { createSidecarLdsGenerator } from '../../generators/lds/lds-generator.js';
import { BOOKINFO, fakeProxy, gateway, testPush } from '../../generators/rds/testing.js';
import { authorizationPolicy, chainPolicy, gatewayListeners, inboundPolicy, testSecurity } from './authz-testing.js';

const RBAC = 'envoy.filters.http.rbac';
const principal = (exact: string) => ({ authenticated: { principal_name: { exact } } });
const anyOf = (...ids: unknown[]) => ({ or_ids: { ids } });
const allOfIds = (...ids: unknown[]) => ({ and_ids: { ids } });
const orRules = (...rules: unknown[]) => ({ or_rules: { rules } });
const allOfRules = (...rules: unknown[]) => ({ and_rules: { rules } });
const ANY_PRINCIPAL = allOfIds({ any: true });
const ANY_PERMISSION = allOfRules({ any: true });

test('Should allow only GET on /reviews/* from productpage, as in the bookinfo HTTP task', () => {
  const policy = authorizationPolicy('reviews-viewer', {
    selector: { matchLabels: { app: 'reviews' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/bookinfo-productpage'] } }], to: [{ operation: { methods: ['GET'], paths: ['/reviews/*'] } }] }],
  });
  const { http } = inboundPolicy([policy]);
  assert.deepEqual(http, [
    {
      name: RBAC,
      config: {
        rules: {
          action: 'ALLOW',
          policies: {
            'ns[default]-policy[reviews-viewer]-rule[0]': {
              permissions: [allOfRules(orRules({ url_path: { path: { prefix: '/reviews/' } } }), orRules({ header: { name: ':method', string_match: { exact: 'GET' } } }))],
              principals: [allOfIds(anyOf(principal('spiffe://cluster.local/ns/default/sa/bookinfo-productpage')))],
            },
          },
        },
      },
    },
  ]);
});

test('Should deny by header with a DENY filter ahead of the ALLOW filter', () => {
  const deny = authorizationPolicy('deny-header', { action: 'DENY', rules: [{ when: [{ key: 'request.headers[X-Token]', notValues: ['admin'] }] }] });
  const allow = authorizationPolicy('allow-all', { rules: [{}] });
  const { http } = inboundPolicy([allow, deny]);
  assert.deepEqual(http.map((f) => [f.name, (f.config.rules as { action: string }).action]), [[RBAC, 'DENY'], [RBAC, 'ALLOW']]);
  assert.deepEqual(http[0]?.config, {
    rules: {
      action: 'DENY',
      policies: {
        'ns[default]-policy[deny-header]-rule[0]': {
          permissions: [ANY_PERMISSION],
          principals: [allOfIds({ not_id: anyOf({ header: { name: 'x-token', string_match: { exact: 'admin' } } }) })],
        },
      },
    },
  });
  assert.deepEqual((http[1]?.config.rules as { policies: unknown }).policies, { 'ns[default]-policy[allow-all]-rule[0]': { permissions: [ANY_PERMISSION], principals: [ANY_PRINCIPAL] } });
});

test('Should match namespaces and principal patterns on the peer identity', () => {
  const policy = authorizationPolicy('from-foo', {
    rules: [{ from: [{ source: { namespaces: ['foo'], notPrincipals: ['cluster.local/ns/foo/sa/*', '*/sa/legacy', '*'] } }] }],
  });
  const rules = inboundPolicy([policy]).http[0]?.config.rules as { policies: Record<string, { principals: unknown[] }> };
  assert.deepEqual(rules.policies['ns[default]-policy[from-foo]-rule[0]']?.principals, [
    allOfIds(
      { not_id: anyOf(
        { authenticated: { principal_name: { prefix: 'spiffe://cluster.local/ns/foo/sa/' } } },
        { authenticated: { principal_name: { safe_regex: { google_re2: {}, regex: 'spiffe://.*/sa/legacy' } } } },
        { authenticated: { principal_name: { safe_regex: { google_re2: {}, regex: '.+' } } } },
      ) },
      anyOf({ authenticated: { principal_name: { safe_regex: { google_re2: {}, regex: '.*/ns/foo/.*' } } } }),
    ),
  ]);
});

test('Should require a request principal and a groups claim through the istio_authn metadata', () => {
  const policy = authorizationPolicy('require-jwt', {
    rules: [{ from: [{ source: { requestPrincipals: ['*'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['group1'] }] }],
  });
  const rules = inboundPolicy([policy]).http[0]?.config.rules as { policies: Record<string, { principals: unknown[] }> };
  assert.deepEqual(rules.policies['ns[default]-policy[require-jwt]-rule[0]']?.principals, [
    allOfIds(
      anyOf({ metadata: { filter: 'istio_authn', path: [{ key: 'request.auth.principal' }], value: { string_match: { safe_regex: { google_re2: {}, regex: '.+' } } } } }),
      anyOf({ metadata: { filter: 'istio_authn', path: [{ key: 'request.auth.claims' }, { key: 'groups' }], value: { list_match: { one_of: { string_match: { exact: 'group1' } } } } } }),
    ),
  ]);
});

test('Should allow TCP by port and drop an ALLOW rule that uses HTTP-only fields', () => {
  const policy = authorizationPolicy('tcp-policy', {
    rules: [
      { to: [{ operation: { ports: ['5432'] } }] },
      { to: [{ operation: { methods: ['GET'], ports: ['5432'] } }] },
    ],
  });
  const { tcp } = inboundPolicy([policy], {}, 5432);
  assert.deepEqual(tcp, [
    {
      name: 'envoy.filters.network.rbac',
      config: {
        stat_prefix: 'tcp.',
        enforcement_type: 'ONE_TIME_ON_FIRST_BYTE',
        rules: { action: 'ALLOW', policies: { 'ns[default]-policy[tcp-policy]-rule[0]': { permissions: [allOfRules(orRules({ destination_port: 5432 }))], principals: [ANY_PRINCIPAL] } } },
      },
    },
  ]);
});

test('Should keep a DENY rule with HTTP-only fields on TCP, without those fields, so it denies more', () => {
  const policy = authorizationPolicy('deny-get', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'], ports: ['5432'] } }] }] });
  const { tcp } = inboundPolicy([policy], {}, 5432);
  assert.deepEqual(tcp[0]?.config.rules, {
    action: 'DENY',
    policies: { 'ns[default]-policy[deny-get]-rule[0]': { permissions: [allOfRules(orRules({ destination_port: 5432 }))], principals: [ANY_PRINCIPAL] } },
  });
});

test('Should allow nothing for spec: {} and everything for rules: [{}]', () => {
  const denyAll = inboundPolicy([authorizationPolicy('allow-nothing', {})]).http;
  assert.deepEqual(denyAll, [
    {
      name: RBAC,
      config: { rules: { action: 'ALLOW', policies: { 'ns[default]-policy[allow-nothing]-rule[0]': { permissions: [{ not_rule: { any: true } }], principals: [{ not_id: { any: true } }] } } } },
    },
  ]);
  const tcp = inboundPolicy([authorizationPolicy('allow-nothing', {})], {}, 5432).tcp;
  assert.equal((tcp[0]?.config.rules as { action: string }).action, 'ALLOW');
});

test('Should log with an AUDIT policy after the enforcing filters', () => {
  const audit = authorizationPolicy('audit-get', { action: 'AUDIT', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
  const deny = authorizationPolicy('deny-delete', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] });
  const { http } = inboundPolicy([audit, deny]);
  assert.deepEqual(http.map((f) => (f.config.rules as { action: string }).action), ['DENY', 'LOG']);
});

test('Should apply root namespace policies mesh-wide and namespace policies only to their namespace and selected workloads', () => {
  const mesh = authorizationPolicy('mesh-deny', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['default', 'foo'] } }] }] }, 'istio-system');
  const other = authorizationPolicy('other-ns', { rules: [{}] }, 'foo');
  const otherApp = authorizationPolicy('ratings-only', { selector: { matchLabels: { app: 'ratings' } }, rules: [{}] });
  const { http } = inboundPolicy([mesh, other, otherApp]);
  assert.deepEqual(http.map((f) => Object.keys((f.config.rules as { policies: object }).policies)), [['ns[istio-system]-policy[mesh-deny]-rule[0]']]);
  assert.deepEqual(inboundPolicy([other, otherApp], { proxy: { namespace: 'foo' } }).http.length, 1);
});

test('Should add no policy filters to outbound chains, and give gateways their policies', () => {
  const policy = authorizationPolicy('gw', { selector: { matchLabels: { istio: 'ingressgateway' } }, action: 'DENY', rules: [{ from: [{ source: { ipBlocks: ['10.1.0.0/16'] } }] }] }, 'istio-system');
  const gw = gateway('gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }, 'istio-system');
  const [listener] = gatewayListeners([policy, gw], { namespace: 'istio-system', labels: { istio: 'ingressgateway' } });
  const { http } = chainPolicy(listener?.filter_chains?.[0]?.filters ?? []);
  assert.deepEqual(http[0]?.config.rules, {
    action: 'DENY',
    policies: { 'ns[istio-system]-policy[gw]-rule[0]': { permissions: [ANY_PERMISSION], principals: [allOfIds(anyOf({ direct_remote_ip: { address_prefix: '10.1.0.0', prefix_len: { value: 16 } } }))] } },
  });
  const mesh = authorizationPolicy('mesh', { rules: [{}] }, 'istio-system');
  const push = testPush({ services: BOOKINFO, resources: [mesh] });
  const out = createSidecarLdsGenerator({ security: testSecurity() }).generate(fakeProxy(), push, undefined);
  const hcm = (out.find((r) => r.name === '0.0.0.0_9080')?.message as Listener).filter_chains?.[0]?.filters?.[0];
  const names = unpackAny<{ http_filters: { name: string }[] }>(hcm?.typed_config as AnyMessage).http_filters.map((f) => f.name);
  assert.deepEqual(names, ['envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.router']);
  assert.equal(inboundPolicy([mesh]).http.length, 1, 'the inbound chain has the mesh policy');
});

test('Should select a policy by targetRef only for the named Gateway', () => {
  const policy = authorizationPolicy('by-ref', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'public' }], rules: [{}] });
  assert.equal(inboundPolicy([policy]).http.length, 0);
  assert.equal(inboundPolicy([policy], { proxy: { labels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } }).http.length, 1);
});

test('Should match hosts case-insensitively with or without a port, and other when keys by their Envoy fields', () => {
  const policy = authorizationPolicy('hosts', {
    rules: [{ to: [{ operation: { hosts: ['bookinfo.com'], notPorts: ['15000'] } }], when: [{ key: 'connection.sni', values: ['*.local'] }, { key: 'destination.ip', values: ['10.0.0.1'] }] }],
  });
  const rules = inboundPolicy([policy]).http[0]?.config.rules as { policies: Record<string, { permissions: unknown[] }> };
  assert.deepEqual(rules.policies['ns[default]-policy[hosts]-rule[0]']?.permissions, [
    allOfRules(
      orRules(orRules(
        { header: { name: ':authority', string_match: { exact: 'bookinfo.com', ignore_case: true } } },
        { header: { name: ':authority', string_match: { prefix: 'bookinfo.com:', ignore_case: true } } },
      )),
      { not_rule: orRules({ destination_port: 15000 }) },
      orRules({ requested_server_name: { suffix: '.local' } }),
      orRules({ destination_ip: { address_prefix: '10.0.0.1', prefix_len: { value: 32 } } }),
    ),
  ]);
});
