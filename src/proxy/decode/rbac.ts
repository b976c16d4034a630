// The RBAC filters' own messages: HTTP RBAC, its RBACPerRoute, and network RBAC, as runtime configs.
import type { RBAC__Output as HttpRBAC__Output } from '../../xds/generated/envoy/extensions/filters/http/rbac/v3/RBAC.js';
import type { RBACPerRoute__Output } from '../../xds/generated/envoy/extensions/filters/http/rbac/v3/RBACPerRoute.js';
import type { RBAC__Output as NetworkRBAC__Output } from '../../xds/generated/envoy/extensions/filters/network/rbac/v3/RBAC.js';
import type { HttpRbacConfig, NetworkRbacConfig, RbacPerRoute } from '../config/policy.js';
import type { DecodeErrors } from './decode-result.js';
import { decodeRbacRules } from './rbac-rules.js';

/** HTTP RBAC (envoy.extensions.filters.http.rbac.v3.RBAC); the generic `matcher` forms are refused. */
export function decodeHttpRbac(m: HttpRBAC__Output, errors: DecodeErrors, path: string): HttpRbacConfig | undefined {
  if (m.matcher) errors.add(`${path}.matcher`, 'not supported; use rules');
  if (m.shadow_matcher) errors.add(`${path}.shadow_matcher`, 'not supported; use shadow_rules');
  const rules = m.rules ? decodeRbacRules(m.rules, errors, `${path}.rules`) : undefined;
  const shadowRules = m.shadow_rules ? decodeRbacRules(m.shadow_rules, errors, `${path}.shadow_rules`) : undefined;
  return {
    ...(rules ? { rules } : {}),
    ...(shadowRules ? { shadowRules } : {}),
    rulesStatPrefix: m.rules_stat_prefix,
    shadowRulesStatPrefix: m.shadow_rules_stat_prefix,
  };
}

/** RBACPerRoute: an override, or (no `rbac`) the filter disabled on that route. */
export function decodeRbacPerRoute(m: RBACPerRoute__Output, errors: DecodeErrors, path: string): RbacPerRoute | undefined {
  if (!m.rbac) return {};
  const rbac = decodeHttpRbac(m.rbac, errors, `${path}.rbac`);
  return rbac && { rbac };
}

/**
 * Network RBAC (envoy.extensions.filters.network.rbac.v3.RBAC). Both enforcement types are
 * accepted: the sidecar decides once per connection, which is all CONTINUOUS adds over
 * ONE_TIME_ON_FIRST_BYTE when no filter changes the connection's attributes later.
 */
export function decodeNetworkRbac(m: NetworkRBAC__Output, errors: DecodeErrors, path: string): NetworkRbacConfig | undefined {
  if (m.matcher) errors.add(`${path}.matcher`, 'not supported; use rules');
  if (m.shadow_matcher) errors.add(`${path}.shadow_matcher`, 'not supported; use shadow_rules');
  if (!m.stat_prefix) errors.add(`${path}.stat_prefix`, 'stat_prefix is required');
  const rules = m.rules ? decodeRbacRules(m.rules, errors, `${path}.rules`) : undefined;
  const shadowRules = m.shadow_rules ? decodeRbacRules(m.shadow_rules, errors, `${path}.shadow_rules`) : undefined;
  return {
    statPrefix: m.stat_prefix,
    ...(rules ? { rules } : {}),
    ...(shadowRules ? { shadowRules } : {}),
    shadowRulesStatPrefix: m.shadow_rules_stat_prefix,
  };
}
