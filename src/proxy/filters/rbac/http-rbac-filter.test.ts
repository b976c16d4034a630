import { test } from 'node:test';
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { HttpRbacConfig, RbacRules } from '../../config/policy.js';
import type { ConnectionInfo } from '../../http/exchange.js';
import { requestHead, route, routeMatch, virtualHost } from '../../router/route-fixtures.js';
import { filterStatChannel, type FilterStatEvent } from '../filter-stats.js';
import type { PolicyRequest, PolicyVerdict } from '../policy-filter.js';
import { RBAC_METADATA_NAMESPACE, createHttpRbacFilter } from './http-rbac-filter.js';

const CONN: ConnectionInfo = { remoteAddress: '10.1.2.3', remotePort: 1, localAddress: '10.0.0.1', localPort: 15006, destinationAddress: '10.0.0.1', destinationPort: 9080, tls: false };

const ADMIN_ONLY: RbacRules = {
  action: 'DENY',
  policies: [{ name: 'ns[default]-policy[deny-admin]-rule[0]', permissions: [{ kind: 'url_path', match: { kind: 'prefix', value: '/admin', ignoreCase: false } }], principals: [{ kind: 'any' }] }],
};
const GET_ONLY: RbacRules = {
  action: 'ALLOW',
  policies: [{ name: 'ns[default]-policy[get]-rule[0]', permissions: [{ kind: 'header', header: { name: ':method', match: { kind: 'exact', value: 'GET', ignoreCase: false }, invert: false } }], principals: [{ kind: 'any' }] }],
};

function request(path: string, over: Partial<PolicyRequest> = {}): PolicyRequest {
  return { head: requestHead(path), connection: CONN, remoteIp: CONN.remoteAddress, route: undefined, virtualHost: undefined, metadata: new Map(), signal: new AbortController().signal, ...over };
}

function run(config: HttpRbacConfig, req: PolicyRequest): PolicyVerdict {
  const verdict = createHttpRbacFilter('envoy.filters.http.rbac', config, 'inbound_0.0.0.0_9080').decodeHeaders(req);
  assert.ok(!(verdict instanceof Promise));
  return verdict;
}

function collectStats(): { names: string[]; stop(): void } {
  const names: string[] = [];
  const on = (e: unknown) => names.push((e as FilterStatEvent).name);
  filterStatChannel.subscribe(on);
  return { names, stop: () => diagnosticsChannel.unsubscribe(filterStatChannel.name, on) };
}

test('Should deny with 403 "RBAC: access denied" and name the matched DENY policy in the details', () => {
  const stats = collectStats();
  const verdict = run({ rules: ADMIN_ONLY, rulesStatPrefix: '', shadowRulesStatPrefix: '' }, request('/admin/users'));
  stats.stop();
  assert.deepEqual(verdict, { kind: 'deny', status: 403, body: 'RBAC: access denied', details: 'rbac_access_denied_matched_policy[ns[default]-policy[deny-admin]-rule[0]]' });
  assert.deepEqual(stats.names, ['http.inbound_0.0.0.0_9080.rbac.denied']);
});

test('Should deny with details naming no policy when no ALLOW policy matched', () => {
  const verdict = run({ rules: GET_ONLY, rulesStatPrefix: '', shadowRulesStatPrefix: '' }, request('/', { head: requestHead('/', { method: 'POST' }) }));
  assert.equal(verdict.kind === 'deny' && verdict.details, 'rbac_access_denied_matched_policy[none]');
  assert.equal(run({ rules: GET_ONLY, rulesStatPrefix: '', shadowRulesStatPrefix: '' }, request('/')).kind, 'continue');
});

test('Should let everything through without rules, and only count and record shadow rules', () => {
  const stats = collectStats();
  const req = request('/admin');
  const verdict = run({ shadowRules: ADMIN_ONLY, rulesStatPrefix: '', shadowRulesStatPrefix: 'istio_dry_run_allow_' }, req);
  stats.stop();
  assert.equal(verdict.kind, 'continue');
  assert.deepEqual(stats.names, ['http.inbound_0.0.0.0_9080.rbac.istio_dry_run_allow_shadow_denied']);
  assert.deepEqual(req.metadata.get(RBAC_METADATA_NAMESPACE), {
    istio_dry_run_allow_shadow_effective_policy_id: 'ns[default]-policy[deny-admin]-rule[0]',
    istio_dry_run_allow_shadow_engine_result: 'denied',
  });
});

test('Should allow under LOG and set access_log_hint when a policy matches', () => {
  const req = request('/admin');
  assert.equal(run({ rules: { ...ADMIN_ONLY, action: 'LOG' }, rulesStatPrefix: '', shadowRulesStatPrefix: '' }, req).kind, 'continue');
  assert.deepEqual(req.metadata.get(RBAC_METADATA_NAMESPACE), { access_log_hint: true });
});

test('Should follow RBACPerRoute: an override replaces the rules, an empty one disables the filter', () => {
  const config: HttpRbacConfig = { rules: ADMIN_ONLY, rulesStatPrefix: '', shadowRulesStatPrefix: '' };
  const disabled = route('r', routeMatch({ kind: 'prefix', value: '/' }), { rbacPerRoute: { 'envoy.filters.http.rbac': {} } });
  assert.equal(run(config, request('/admin', { route: disabled })).kind, 'continue');
  const otherFilter = route('r', routeMatch({ kind: 'prefix', value: '/' }), { rbacPerRoute: { 'some.other.rbac': {} } });
  assert.equal(run(config, request('/admin', { route: otherFilter })).kind, 'deny');
  const override = { rbac: { rules: GET_ONLY, rulesStatPrefix: '', shadowRulesStatPrefix: '' } };
  const vhost = virtualHost('v', ['*'], [], { rbacPerRoute: { 'envoy.filters.http.rbac': override } });
  assert.equal(run(config, request('/admin', { virtualHost: vhost })).kind, 'continue', 'GET is allowed by the override');
  const post = run(config, request('/x', { virtualHost: vhost, head: requestHead('/x', { method: 'POST' }) }));
  assert.equal(post.kind === 'deny' && post.details, 'rbac_access_denied_matched_policy[none]');
});
