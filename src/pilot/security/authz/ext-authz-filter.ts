// CUSTOM AuthorizationPolicies: an RBAC filter in shadow mode marks the requests their rules
// select, and the ext_authz filter checks only those with the mesh's HTTP authorization service.
import { outboundClusterName, packAny } from '../../../xds/index.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { ListStringMatcher } from '../../../xds/generated/envoy/type/matcher/v3/ListStringMatcher.js';
import { parseDurationText } from '../../generators/shared/duration.js';
import type { EnvoyExtAuthzHttpProvider, MeshConfig } from '../../model/mesh-config.js';
import { EXT_AUTHZ_TYPE, ensureExtAuthzType, type ExtAuthzHttpConfig } from './ext-authz-proto.js';
import { RBAC_HTTP_FILTER_NAME, buildRbacRules, rbacHttpFilter, type NamedPolicies } from './rbac-filters.js';

export const EXT_AUTHZ_FILTER_NAME = 'envoy.filters.http.ext_authz';
/** Prefix of the shadow RBAC's stats and metadata keys, and of the CUSTOM policies' names (Istio's). */
export const EXT_AUTHZ_SHADOW_PREFIX = 'istio_ext_authz_';
export const EXT_AUTHZ_POLICY_PREFIX = 'istio-ext-authz-';
/** Name of the deny-all policy used when CUSTOM policies name a provider that cannot be used. */
export const BAD_CUSTOM_POLICY = 'default-deny-all-due-to-bad-CUSTOM-action';
const DEFAULT_TIMEOUT = '600s';

/** The header names as case-insensitive exact matchers; undefined when there are none. */
function headerList(names: readonly string[] | undefined): ListStringMatcher | undefined {
  if (!names || names.length === 0) return undefined;
  return { patterns: names.map((n) => (n.endsWith('*') ? { prefix: n.slice(0, -1), ignore_case: true } : { exact: n, ignore_case: true })) };
}

/** The provider's host, with a `namespace/` qualifier removed. */
function providerHost(service: string): string {
  const slash = service.indexOf('/');
  return slash >= 0 ? service.slice(slash + 1) : service;
}

/** The ext_authz filter for `provider`, enabled only for requests the shadow RBAC marked. */
export function extAuthzHttpFilter(provider: EnvoyExtAuthzHttpProvider): HttpFilter {
  ensureExtAuthzType();
  const host = providerHost(provider.service);
  const status = Number(provider.statusOnError ?? '403');
  const response = {
    ...(headerList(provider.headersToUpstreamOnAllow) ? { allowed_upstream_headers: headerList(provider.headersToUpstreamOnAllow) } : {}),
    ...(headerList(provider.headersToDownstreamOnDeny) ? { allowed_client_headers: headerList(provider.headersToDownstreamOnDeny) } : {}),
  };
  const config: ExtAuthzHttpConfig = {
    http_service: {
      server_uri: {
        uri: `http://${host}`,
        cluster: outboundClusterName(provider.port, '', host),
        timeout: parseDurationText(provider.timeout ?? DEFAULT_TIMEOUT) ?? parseDurationText(DEFAULT_TIMEOUT),
      },
      ...(provider.pathPrefix ? { path_prefix: provider.pathPrefix } : {}),
      ...(Object.keys(response).length > 0 ? { authorization_response: response } : {}),
    },
    transport_api_version: 'V3',
    failure_mode_allow: provider.failOpen ?? false,
    status_on_error: { code: Number.isInteger(status) && status >= 200 && status <= 599 ? status : 403 },
    filter_enabled_metadata: {
      filter: RBAC_HTTP_FILTER_NAME,
      path: [{ key: `${EXT_AUTHZ_SHADOW_PREFIX}shadow_effective_policy_id` }],
      value: { string_match: { prefix: EXT_AUTHZ_POLICY_PREFIX.slice(0, -1) } },
    },
  };
  const allowed = headerList(provider.includeRequestHeadersInCheck);
  if (allowed) config.allowed_headers = allowed;
  return { name: EXT_AUTHZ_FILTER_NAME, typed_config: packAny(EXT_AUTHZ_TYPE, config) };
}

/**
 * The filters of the CUSTOM policies of a workload: a shadow RBAC whose (DENY) policies are the
 * CUSTOM rules, then ext_authz. Every CUSTOM policy must name the same provider, an
 * `envoyExtAuthzHttp` one of the mesh config; otherwise matching nothing would be unsafe, so,
 * as Istio does, every request is denied.
 */
export function buildCustomHttpFilters(policies: NamedPolicies, mesh: MeshConfig): HttpFilter[] {
  if (policies.length === 0) return [];
  const names = new Set(policies.map((p) => p.spec.provider?.name ?? ''));
  const [name] = names;
  const provider = names.size === 1 ? mesh.extensionProviders?.find((p) => p.name === name)?.envoyExtAuthzHttp : undefined;
  if (!provider) {
    const denyAll = { [BAD_CUSTOM_POLICY]: { permissions: [{ any: true }], principals: [{ any: true }] } };
    return [rbacHttpFilter({ rules: { action: 'DENY', policies: denyAll } })];
  }
  const shadow = buildRbacRules(policies, 'CUSTOM', false, EXT_AUTHZ_POLICY_PREFIX);
  return [rbacHttpFilter({ shadow_rules: shadow, shadow_rules_stat_prefix: EXT_AUTHZ_SHADOW_PREFIX }), extAuthzHttpFilter(provider)];
}
