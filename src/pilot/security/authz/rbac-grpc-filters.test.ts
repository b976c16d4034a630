import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Metadata } from '@grpc/grpc-js';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import { fakeProxy, testPush } from '../../generators/rds/testing.js';
import { authorizationPolicy, prune } from './authz-testing.js';
import { buildGrpcRbacRules, grpcServerRbacFilters } from './rbac-grpc-filters.js';

// grpc-js-xds registers its RBAC filter only with this set when its modules first load (lazily, below).
process.env.GRPC_XDS_EXPERIMENTAL_RBAC = 'true';
const require = createRequire(import.meta.url);

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

interface GrpcRbac {
  apply(info: unknown): boolean;
}

/**
 * Whether grpc-js-xds's own RBAC filters for `policies` let a call through from a peer: with
 * `spiffeId`, over mTLS with a client certificate whose only SAN is that URI; without, plaintext.
 */
function grpcAllowsPeer(policies: ReturnType<typeof authorizationPolicy>[], spiffeId?: string): boolean {
  (require('@grpc/grpc-js-xds') as { register(): void }).register();
  const httpFilter = require('@grpc/grpc-js-xds/build/src/http-filter.js') as { parseTopLevelFilterConfig(c: unknown, client: boolean): { config: GrpcRbac } | null };
  const headers = new Metadata();
  headers.set(':path', '/echo.Echo/Hello');
  const peerCertificate = spiffeId ? { subject: {}, subjectaltname: `URI:${spiffeId}`, raw: Buffer.alloc(1) } : null;
  const info = { destinationIp: '127.0.0.1', destinationPort: 7070, sourceIp: '127.0.0.1', headers, tls: spiffeId !== undefined, peerCertificate, urlPath: '/echo.Echo/Hello' };
  return grpcServerRbacFilters(proxy, testPush({ resources: policies })).every((f) => {
    const any = f.typed_config as AnyMessage;
    const parsed = httpFilter.parseTopLevelFilterConfig({ type_url: any.type_url, value: Buffer.from(any.value) }, false);
    assert.ok(parsed, `grpc-js parses ${f.name ?? ''}`);
    return parsed.config.apply(info);
  });
}

const SLEEP = 'spiffe://cluster.local/ns/default/sa/sleep';
const OTHER = 'spiffe://cluster.local/ns/default/sa/other';
const PROD_SLEEP = 'spiffe://cluster.local/ns/prod/sa/sleep';
const allowFrom = (source: Readonly<Record<string, readonly string[] | undefined>>) => authorizationPolicy('allow', { action: 'ALLOW', rules: [{ from: [{ source }] }] });
const denyFrom = (source: Readonly<Record<string, readonly string[] | undefined>>) => authorizationPolicy('deny', { action: 'DENY', rules: [{ from: [{ source }] }] });

test("Should match principals against the peer certificate's URI SAN as grpc-js does: exact, prefix*, *suffix and *", () => {
  const exact = [allowFrom({ principals: ['cluster.local/ns/default/sa/sleep'] })];
  assert.deepEqual([SLEEP, OTHER, PROD_SLEEP].map((id) => grpcAllowsPeer(exact, id)), [true, false, false]);
  const prefix = [allowFrom({ principals: ['cluster.local/ns/default/*'] })];
  assert.deepEqual([SLEEP, OTHER, PROD_SLEEP].map((id) => grpcAllowsPeer(prefix, id)), [true, true, false]);
  const suffix = [allowFrom({ principals: ['*/sa/sleep'] })];
  assert.deepEqual([SLEEP, OTHER, PROD_SLEEP].map((id) => grpcAllowsPeer(suffix, id)), [true, false, true]);
  const any = [allowFrom({ principals: ['*'] })];
  assert.deepEqual([SLEEP, PROD_SLEEP].map((id) => grpcAllowsPeer(any, id)), [true, true]);
});

test('Should never match principals, namespaces or serviceAccounts over plaintext: ALLOW rules allow nothing, DENY rules deny nothing', () => {
  for (const source of [{ principals: ['*'] }, { principals: ['cluster.local/ns/default/sa/sleep'] }, { namespaces: ['*'] }, { namespaces: ['default'] }, { serviceAccounts: ['default/sleep'] }]) {
    assert.equal(grpcAllowsPeer([allowFrom(source)]), false, `ALLOW ${JSON.stringify(source)}`);
    assert.equal(grpcAllowsPeer([denyFrom(source)]), true, `DENY ${JSON.stringify(source)}`);
  }
});

test("Should match namespaces and serviceAccounts against the peer's SPIFFE ID over mTLS", () => {
  const ns = [allowFrom({ namespaces: ['default'] })];
  assert.deepEqual([SLEEP, OTHER, PROD_SLEEP].map((id) => grpcAllowsPeer(ns, id)), [true, true, false]);
  const sa = [allowFrom({ serviceAccounts: ['prod/sleep'] })];
  assert.deepEqual([SLEEP, PROD_SLEEP].map((id) => grpcAllowsPeer(sa, id)), [false, true]);
  const denyNs = [denyFrom({ namespaces: ['prod'] })];
  assert.deepEqual([SLEEP, PROD_SLEEP].map((id) => grpcAllowsPeer(denyNs, id)), [true, false]);
});

test('Should let notPrincipals and notNamespaces exclude peers over mTLS, and match a plaintext peer as Envoy does', () => {
  const denyOthers = [denyFrom({ notPrincipals: ['cluster.local/ns/default/sa/sleep'] })];
  assert.deepEqual([SLEEP, OTHER].map((id) => grpcAllowsPeer(denyOthers, id)), [true, false]);
  assert.equal(grpcAllowsPeer(denyOthers), false, 'a plaintext peer has no principal, so it is not sleep');
  const allowOutsideProd = [allowFrom({ notNamespaces: ['prod'] })];
  assert.deepEqual([SLEEP, PROD_SLEEP].map((id) => grpcAllowsPeer(allowOutsideProd, id)), [true, false]);
});
