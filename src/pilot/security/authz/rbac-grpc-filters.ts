// AuthorizationPolicies as the RBAC filters of a proxyless gRPC server (grpc-js-xds XdsServer):
// DENY then ALLOW, limited to what gRPC's RBAC implements, failing closed where it cannot enforce.
import type { Policy } from '../../../xds/generated/envoy/config/rbac/v3/Policy.js';
import type { RBAC as RbacRules } from '../../../xds/generated/envoy/config/rbac/v3/RBAC.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { authzPolicyIndexOf, type ProxyAuthorizationPolicies } from './authz-policy-index.js';
import type { AuthzRule, AuthzSource } from './authz-views.js';
import { RBAC_HTTP_FILTER_NAME, rbacHttpFilter, rbacPolicyName, type NamedPolicies } from './rbac-filters.js';
import { MATCH_NEVER_POLICY, buildRbacPolicy } from './rbac-policy.js';

/**
 * Istio's name for the DENY filter of a gRPC server listener: grpc-js refuses two HTTP filters of
 * the same name, so the DENY filter takes a suffix and the ALLOW one keeps the plain name.
 */
export const RBAC_GRPC_DENY_FILTER_NAME = `${RBAC_HTTP_FILTER_NAME}.DENY`;

const REQUEST_AUTH = 'request.auth.';

/** True when the rule reads the JWT identity, which a proxyless server has no filter to produce. */
function needsRequestAuth(rule: AuthzRule): boolean {
  const fromJwt = (s: AuthzSource | undefined) => (s?.requestPrincipals?.length ?? 0) > 0 || (s?.notRequestPrincipals?.length ?? 0) > 0;
  return (rule.from ?? []).some((f) => fromJwt(f.source)) || (rule.when ?? []).some((c) => c.key.startsWith(REQUEST_AUTH));
}

/** `rule` without its JWT conditions: a DENY rule so reduced matches more requests, never fewer. */
function withoutRequestAuth(rule: AuthzRule): AuthzRule {
  return {
    ...(rule.from ? { from: rule.from.map((f) => (f.source ? { source: { ...f.source, requestPrincipals: [], notRequestPrincipals: [] } } : f)) } : {}),
    ...(rule.to ? { to: rule.to } : {}),
    ...(rule.when ? { when: rule.when.filter((c) => !c.key.startsWith(REQUEST_AUTH)) } : {}),
  };
}

/**
 * The RBAC rules for `policies` under an ALLOW or DENY filter, named as Istio names them. A rule
 * needing the JWT identity (`requestPrincipals`, `request.auth.*`) cannot be enforced: an ALLOW
 * rule is left out (allowing less), a DENY rule loses those conditions (denying more).
 */
export function buildGrpcRbacRules(policies: NamedPolicies, action: 'ALLOW' | 'DENY'): RbacRules {
  const out: Record<string, Policy> = {};
  for (const p of policies) {
    const rules = p.spec.rules ?? [];
    if (rules.length === 0) out[rbacPolicyName(p.namespace, p.name, 0)] = MATCH_NEVER_POLICY;
    rules.forEach((rule, i) => {
      const jwt = needsRequestAuth(rule);
      if (jwt && action === 'ALLOW') return;
      const built = buildRbacPolicy(jwt ? withoutRequestAuth(rule) : rule, action, false);
      if (built.ok) out[rbacPolicyName(p.namespace, p.name, i)] = built.value;
    });
  }
  return { action, policies: out };
}

/**
 * The HTTP filters a proxyless gRPC server gets for `policies`, in Istio's evaluation order: a
 * DENY filter, then an ALLOW filter; each only when it has policies (no ALLOW policy allows all).
 * gRPC has no ext_authz, so CUSTOM policies join the DENY filter: what the provider would check is
 * refused. AUDIT has no effect on requests and gRPC refuses its LOG action, so it is left out.
 */
export function buildGrpcServerRbacFilters(policies: ProxyAuthorizationPolicies): HttpFilter[] {
  const out: HttpFilter[] = [];
  const deny = [...policies.custom, ...policies.deny];
  if (deny.length > 0) out.push({ ...rbacHttpFilter({ rules: buildGrpcRbacRules(deny, 'DENY') }), name: RBAC_GRPC_DENY_FILTER_NAME });
  if (policies.allow.length > 0) out.push(rbacHttpFilter({ rules: buildGrpcRbacRules(policies.allow, 'ALLOW') }));
  return out;
}

const cache = new WeakMap<PushContext, Map<string, readonly HttpFilter[]>>();

/**
 * The RBAC filters of the AuthorizationPolicies that select `proxy` (by namespace and labels, as
 * for sidecars), shared within a push by workloads of one namespace with the same labels.
 */
export function grpcServerRbacFilters(proxy: Proxy, push: PushContext): readonly HttpFilter[] {
  let perPush = cache.get(push);
  if (!perPush) cache.set(push, (perPush = new Map()));
  const labels = Object.entries(proxy.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = `${proxy.namespace}\n${JSON.stringify(labels)}`;
  let filters = perPush.get(key);
  if (!filters) perPush.set(key, (filters = Object.freeze(buildGrpcServerRbacFilters(authzPolicyIndexOf(push).authorizationPoliciesFor(proxy)))));
  return filters;
}
