import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import { fakeProxy, testPush } from '../../generators/rds/testing.js';
import { authorizationPolicy, prune } from './authz-testing.js';
import { buildGrpcRbacRules, grpcServerRbacFilters } from './rbac-grpc-filters.js';

const proxy = fakeProxy({ generator: 'grpc', namespace: 'default', labels: { app: 'echo' } });

function filtersOf(...policies: ReturnType<typeof authorizationPolicy>[]): { name: string; action: string; policies: string[] }[] {
  return grpcServerRbacFilters(proxy, testPush({ resources: policies })).map((f) => {
    const rules = unpackAny<{ rules: { action: string; policies: Record<string, unknown> } }>(f.typed_config as AnyMessage).rules;
    return { name: f.name ?? '', action: rules.action, policies: Object.keys(rules.policies) };
  });
}

const named = (name: string, spec: Parameters<typeof authorizationPolicy>[1]) => ({ namespace: 'default', name, spec });

test('Should give a workload without policies no RBAC filter, so every call is served', () => {
  assert.deepEqual(filtersOf(), []);
});

test('Should join CUSTOM policies to the DENY filter and leave AUDIT out, which gRPC cannot log', () => {
  const custom = authorizationPolicy('ext', { action: 'CUSTOM', provider: { name: 'authz' }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });
  const audit = authorizationPolicy('audit', { action: 'AUDIT', rules: [{}] });
  const deny = authorizationPolicy('deny', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/x'] } }] }] });
  assert.deepEqual(filtersOf(custom, audit, deny), [
    { name: 'envoy.filters.http.rbac.DENY', action: 'DENY', policies: ['ns[default]-policy[ext]-rule[0]', 'ns[default]-policy[deny]-rule[0]'] },
  ]);
});

test('Should let an ALLOW spec {} allow nothing and rules [{}] allow everything', () => {
  const none = buildGrpcRbacRules([named('none', {})], 'ALLOW');
  assert.deepEqual(prune(none.policies), { 'ns[default]-policy[none]-rule[0]': { permissions: [{ not_rule: { any: true } }], principals: [{ not_id: { any: true } }] } });
  const all = buildGrpcRbacRules([named('all', { rules: [{}] })], 'ALLOW');
  assert.deepEqual(all.policies, { 'ns[default]-policy[all]-rule[0]': { permissions: [{ and_rules: { rules: [{ any: true }] } }], principals: [{ and_ids: { ids: [{ any: true }] } }] } });
});

test('Should leave out an ALLOW rule that needs a JWT identity, keeping the names of the others', () => {
  const rules = buildGrpcRbacRules(
    [named('mixed', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }, { when: [{ key: 'request.auth.claims[group]', values: ['admin'] }] }, { to: [{ operation: { methods: ['POST'] } }] }] })],
    'ALLOW',
  );
  assert.deepEqual(Object.keys(rules.policies ?? {}), ['ns[default]-policy[mixed]-rule[2]']);
});

test('Should strip the JWT conditions from a DENY rule, so it denies more rather than nothing', () => {
  const rules = buildGrpcRbacRules(
    [
      named('deny-jwt', {
        action: 'DENY',
        rules: [{ from: [{ source: { notRequestPrincipals: ['*'], ipBlocks: ['10.0.0.0/8'] } }], to: [{ operation: { paths: ['/x'] } }], when: [{ key: 'request.auth.audiences', values: ['a'] }] }],
      }),
    ],
    'DENY',
  );
  const text = JSON.stringify(rules);
  assert.ok(!text.includes('metadata'), `no dynamic-metadata matcher, which gRPC never matches: ${text}`);
  assert.deepEqual(rules.policies?.['ns[default]-policy[deny-jwt]-rule[0]']?.principals, [
    { and_ids: { ids: [{ or_ids: { ids: [{ direct_remote_ip: { address_prefix: '10.0.0.0', prefix_len: { value: 8 } } }] } }] } },
  ]);
});

test('Should build the filters once per push for workloads of one namespace with the same labels', () => {
  const push = testPush({ resources: [authorizationPolicy('deny', { action: 'DENY', rules: [{}] })] });
  const a = grpcServerRbacFilters(fakeProxy({ id: 'a', namespace: 'default', labels: { app: 'echo', v: '1' } }), push);
  const b = grpcServerRbacFilters(fakeProxy({ id: 'b', namespace: 'default', labels: { v: '1', app: 'echo' } }), push);
  const c = grpcServerRbacFilters(fakeProxy({ id: 'c', namespace: 'default', labels: { app: 'echo' } }), push);
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal(a.length, 1);
});
