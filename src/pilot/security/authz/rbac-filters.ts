// AuthorizationPolicies as Envoy RBAC filters: one per action, in Istio's order and naming.
import { packAny } from '../../../xds/index.js';
import type { Filter } from '../../../xds/generated/envoy/config/listener/v3/Filter.js';
import type { Policy } from '../../../xds/generated/envoy/config/rbac/v3/Policy.js';
import type { RBAC as RbacRules } from '../../../xds/generated/envoy/config/rbac/v3/RBAC.js';
import type { RBAC as HttpRbac } from '../../../xds/generated/envoy/extensions/filters/http/rbac/v3/RBAC.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { Named, ProxyAuthorizationPolicies } from './authz-policy-index.js';
import type { AuthorizationPolicyView, AuthzAction } from './authz-views.js';
import { MATCH_NEVER_POLICY, buildRbacPolicy } from './rbac-policy.js';

export const RBAC_HTTP_FILTER_NAME = 'envoy.filters.http.rbac';
export const RBAC_HTTP_TYPE = 'envoy.extensions.filters.http.rbac.v3.RBAC';
export const RBAC_NETWORK_FILTER_NAME = 'envoy.filters.network.rbac';
export const RBAC_NETWORK_TYPE = 'envoy.extensions.filters.network.rbac.v3.RBAC';
/** Istio's stat prefix of the network RBAC filter. */
export const RBAC_TCP_STAT_PREFIX = 'tcp.';

export type NamedPolicies = readonly Named<AuthorizationPolicyView>[];

/** Istio's name for rule `index` of a policy: `ns[<ns>]-policy[<name>]-rule[<index>]`. */
export function rbacPolicyName(namespace: string, name: string, index: number, prefix = ''): string {
  return `${prefix}ns[${namespace}]-policy[${name}]-rule[${index}]`;
}

/** Envoy's action for an Istio action: CUSTOM selects requests as DENY does, AUDIT logs. */
function envoyAction(action: AuthzAction): 'ALLOW' | 'DENY' | 'LOG' {
  return action === 'ALLOW' ? 'ALLOW' : action === 'AUDIT' ? 'LOG' : 'DENY';
}

/**
 * The RBAC rules of `policies` (all of one action): one policy per rule, named after it; a
 * policy without rules gets one that never matches, so an ALLOW `spec: {}` allows nothing. A
 * rule that cannot be enforced on this chain is left out (see buildRbacPolicy).
 */
export function buildRbacRules(policies: NamedPolicies, action: AuthzAction, forTcp: boolean, namePrefix = ''): RbacRules {
  const out: Record<string, Policy> = {};
  for (const p of policies) {
    const rules = p.spec.rules ?? [];
    if (rules.length === 0) out[rbacPolicyName(p.namespace, p.name, 0, namePrefix)] = MATCH_NEVER_POLICY;
    rules.forEach((rule, i) => {
      const built = buildRbacPolicy(rule, action, forTcp);
      if (built.ok) out[rbacPolicyName(p.namespace, p.name, i, namePrefix)] = built.value;
    });
  }
  return { action: envoyAction(action), policies: out };
}

/** The HTTP RBAC filter with `config`. */
export function rbacHttpFilter(config: HttpRbac): HttpFilter {
  return { name: RBAC_HTTP_FILTER_NAME, typed_config: packAny(RBAC_HTTP_TYPE, config) };
}

/** The network RBAC filter enforcing `rules`. */
export function rbacNetworkFilter(rules: RbacRules): Filter {
  return { name: RBAC_NETWORK_FILTER_NAME, typed_config: packAny(RBAC_NETWORK_TYPE, { rules, stat_prefix: RBAC_TCP_STAT_PREFIX }) };
}

const ENFORCED: readonly (readonly [AuthzAction, keyof ProxyAuthorizationPolicies])[] = [
  ['DENY', 'deny'],
  ['ALLOW', 'allow'],
  ['AUDIT', 'audit'],
];

/** The enforced RBAC rules, in order DENY, ALLOW, AUDIT; an action without policies has none. */
function enforcedRules(policies: ProxyAuthorizationPolicies, forTcp: boolean): RbacRules[] {
  return ENFORCED.filter(([, key]) => policies[key].length > 0).map(([action, key]) => buildRbacRules(policies[key], action, forTcp));
}

/** HTTP RBAC filters for the DENY, ALLOW and AUDIT policies (CUSTOM is ext_authz's). */
export function buildRbacHttpFilters(policies: ProxyAuthorizationPolicies): HttpFilter[] {
  return enforcedRules(policies, false).map((rules) => rbacHttpFilter({ rules }));
}

/** Network RBAC filters for the DENY, ALLOW and AUDIT policies, with HTTP-only rules handled as Istio does. */
export function buildRbacNetworkFilters(policies: ProxyAuthorizationPolicies): Filter[] {
  return enforcedRules(policies, true).map(rbacNetworkFilter);
}
