// One AuthorizationPolicy rule as one Envoy RBAC policy, the way Istio's authz model builds it.
import type { Permission } from '../../../xds/generated/envoy/config/rbac/v3/Permission.js';
import type { Policy } from '../../../xds/generated/envoy/config/rbac/v3/Policy.js';
import type { Principal } from '../../../xds/generated/envoy/config/rbac/v3/Principal.js';
import { HOST_KEY, METHOD_KEY, PATH_KEY, attributeGenerator, type AttributeResult } from './rbac-attributes.js';
import type { AuthzAction, AuthzCondition, AuthzOperation, AuthzRule, AuthzSource } from './authz-views.js';

/** A key with the values it must (and must not) have. Keys go in Istio's order, so config dumps read alike. */
interface Requirement {
  readonly key: string;
  readonly values: readonly string[];
  readonly notValues: readonly string[];
}

const SOURCE_KEYS: readonly [string, keyof AuthzSource, keyof AuthzSource][] = [
  ['source.principal', 'principals', 'notPrincipals'],
  ['source.serviceAccount', 'serviceAccounts', 'notServiceAccounts'],
  ['request.auth.principal', 'requestPrincipals', 'notRequestPrincipals'],
  ['source.namespace', 'namespaces', 'notNamespaces'],
  ['remote.ip', 'remoteIpBlocks', 'notRemoteIpBlocks'],
  ['source.ip', 'ipBlocks', 'notIpBlocks'],
];

const OPERATION_KEYS: readonly [string, keyof AuthzOperation, keyof AuthzOperation][] = [
  [HOST_KEY, 'hosts', 'notHosts'],
  ['destination.port', 'ports', 'notPorts'],
  [PATH_KEY, 'paths', 'notPaths'],
  [METHOD_KEY, 'methods', 'notMethods'],
];

/** A policy that matches nothing: what Istio generates for a policy without rules. */
export const MATCH_NEVER_POLICY: Policy = Object.freeze({
  permissions: [{ not_rule: { any: true } }],
  principals: [{ not_id: { any: true } }],
});

function requirementsOf<T extends object>(fields: T | undefined, keys: readonly [string, keyof T, keyof T][]): Requirement[] {
  if (!fields) return [];
  const out: Requirement[] = [];
  for (const [key, yes, no] of keys) {
    const values = (fields[yes] as readonly string[] | undefined) ?? [];
    const notValues = (fields[no] as readonly string[] | undefined) ?? [];
    if (values.length > 0 || notValues.length > 0) out.push({ key, values, notValues });
  }
  return out;
}

const conditionRequirement = (c: AuthzCondition): Requirement => ({ key: c.key, values: c.values ?? [], notValues: c.notValues ?? [] });

/**
 * The matchers of one requirement: an OR over its values, and a NOT of an OR over its notValues.
 * A value that cannot be enforced (an HTTP-only attribute on TCP) fails an ALLOW rule, which is
 * then dropped (allowing less); for DENY, AUDIT and CUSTOM the value is skipped (matching more).
 */
function matchersOf<T>(
  req: Requirement,
  strict: boolean,
  one: (value: string) => AttributeResult<T>,
  or: (items: T[]) => T,
  not: (item: T) => T,
): AttributeResult<T[]> {
  const out: T[] = [];
  for (const [list, negate] of [[req.values, false], [req.notValues, true]] as const) {
    const items: T[] = [];
    for (const value of list) {
      const r = one(value);
      if (r.ok) items.push(r.value);
      else if (strict) return { ok: false, error: r.error };
    }
    if (items.length > 0) out.push(negate ? not(or(items)) : or(items));
  }
  return { ok: true, value: out };
}

function permissionOf(reqs: readonly Requirement[], forTcp: boolean, strict: boolean): AttributeResult<Permission> {
  const and: Permission[] = [];
  for (const req of reqs) {
    const gen = attributeGenerator(req.key);
    if (gen?.side !== 'permission') continue;
    const r = matchersOf<Permission>(req, strict, (v) => gen.permission(v, forTcp), (rules) => ({ or_rules: { rules } }), (p) => ({ not_rule: p }));
    if (!r.ok) return r;
    and.push(...r.value);
  }
  return { ok: true, value: { and_rules: { rules: and.length > 0 ? and : [{ any: true }] } } };
}

function principalOf(reqs: readonly Requirement[], forTcp: boolean, strict: boolean): AttributeResult<Principal> {
  const and: Principal[] = [];
  for (const req of reqs) {
    const gen = attributeGenerator(req.key);
    if (gen?.side !== 'principal') continue;
    const r = matchersOf<Principal>(req, strict, (v) => gen.principal(v, forTcp), (ids) => ({ or_ids: { ids } }), (p) => ({ not_id: p }));
    if (!r.ok) return r;
    and.push(...r.value);
  }
  return { ok: true, value: { and_ids: { ids: and.length > 0 ? and : [{ any: true }] } } };
}

/**
 * The RBAC policy of `rule` for an `action` filter on an HTTP or TCP chain: permissions are the
 * rule's `to` entries (each with the destination-side `when` conditions), principals its `from`
 * entries (each with the source-side ones). Fails for an ALLOW rule that cannot be enforced
 * as written (HTTP-only fields on TCP, unknown `when` keys, bad values); Istio drops such a rule.
 */
export function buildRbacPolicy(rule: AuthzRule, action: AuthzAction, forTcp: boolean): AttributeResult<Policy> {
  const strict = action === 'ALLOW';
  const when = (rule.when ?? []).map(conditionRequirement);
  for (const c of when) {
    if (!attributeGenerator(c.key) && strict) return { ok: false, error: `unknown attribute ${JSON.stringify(c.key)}` };
  }
  const tos = rule.to && rule.to.length > 0 ? rule.to : [{}];
  const froms = rule.from && rule.from.length > 0 ? rule.from : [{}];
  const permissions: Permission[] = [];
  for (const to of tos) {
    const r = permissionOf([...requirementsOf(to.operation, OPERATION_KEYS), ...when], forTcp, strict);
    if (!r.ok) return r;
    permissions.push(r.value);
  }
  const principals: Principal[] = [];
  for (const from of froms) {
    const r = principalOf([...requirementsOf(from.source, SOURCE_KEYS), ...when], forTcp, strict);
    if (!r.ok) return r;
    principals.push(r.value);
  }
  return { ok: true, value: { permissions, principals } };
}
