import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExtensionProvider } from '../../model/mesh-config.js';
import { authorizationPolicy, inboundPolicy } from './authz-testing.js';

const PROVIDERS: readonly ExtensionProvider[] = [
  {
    name: 'sample-ext-authz-http',
    envoyExtAuthzHttp: {
      service: 'foo/ext-authz.foo.svc.cluster.local',
      port: 8000,
      timeout: '0.5s',
      includeRequestHeadersInCheck: ['x-ext-authz'],
      headersToUpstreamOnAllow: ['x-ext-authz-check-result'],
      headersToDownstreamOnDeny: ['x-ext-authz-check-result'],
    },
  },
];

test('Should check with the mesh provider only the requests the CUSTOM rules select, ahead of DENY and ALLOW', () => {
  const custom = authorizationPolicy('ext-authz', { action: 'CUSTOM', provider: { name: 'sample-ext-authz-http' }, rules: [{ to: [{ operation: { paths: ['/headers'] } }] }] });
  const allow = authorizationPolicy('allow-all', { rules: [{}] });
  const { http } = inboundPolicy([allow, custom], { mesh: { extensionProviders: PROVIDERS } });
  assert.deepEqual(http.map((f) => f.name), ['envoy.filters.http.rbac', 'envoy.filters.http.ext_authz', 'envoy.filters.http.rbac']);
  assert.deepEqual(http[0]?.config, {
    shadow_rules: {
      action: 'DENY',
      policies: {
        'istio-ext-authz-ns[default]-policy[ext-authz]-rule[0]': {
          permissions: [{ and_rules: { rules: [{ or_rules: { rules: [{ url_path: { path: { exact: '/headers' } } }] } }] } }],
          principals: [{ and_ids: { ids: [{ any: true }] } }],
        },
      },
    },
    shadow_rules_stat_prefix: 'istio_ext_authz_',
  });
  assert.deepEqual(http[1]?.config, {
    http_service: {
      server_uri: { uri: 'http://ext-authz.foo.svc.cluster.local', cluster: 'outbound|8000||ext-authz.foo.svc.cluster.local', timeout: { nanos: 500_000_000, seconds: '0' } },
      authorization_response: {
        allowed_upstream_headers: { patterns: [{ exact: 'x-ext-authz-check-result', ignore_case: true }] },
        allowed_client_headers: { patterns: [{ exact: 'x-ext-authz-check-result', ignore_case: true }] },
      },
    },
    transport_api_version: 'V3',
    status_on_error: { code: 'Forbidden' },
    filter_enabled_metadata: { filter: 'envoy.filters.http.rbac', path: [{ key: 'istio_ext_authz_shadow_effective_policy_id' }], value: { string_match: { prefix: 'istio-ext-authz' } } },
    allowed_headers: { patterns: [{ exact: 'x-ext-authz', ignore_case: true }] },
  });
});

test('Should deny every request when a CUSTOM policy names a provider the mesh does not have', () => {
  const custom = authorizationPolicy('ext-authz', { action: 'CUSTOM', provider: { name: 'missing' }, rules: [{}] });
  const { http } = inboundPolicy([custom], { mesh: { extensionProviders: PROVIDERS } });
  assert.deepEqual(http, [
    { name: 'envoy.filters.http.rbac', config: { rules: { action: 'DENY', policies: { 'default-deny-all-due-to-bad-CUSTOM-action': { permissions: [{ any: true }], principals: [{ any: true }] } } } } },
  ]);
});
