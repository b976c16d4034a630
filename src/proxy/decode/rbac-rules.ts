// Envoy's envoy.config.rbac.v3.RBAC (policies, permissions, principals, metadata matchers) as the
// runtime RbacRules. A field the sidecar cannot apply is an error, never silently allowed.
import type { CidrRange__Output } from '../../xds/generated/envoy/config/core/v3/CidrRange.js';
import type { Permission__Output } from '../../xds/generated/envoy/config/rbac/v3/Permission.js';
import type { Principal__Output } from '../../xds/generated/envoy/config/rbac/v3/Principal.js';
import type { RBAC__Output } from '../../xds/generated/envoy/config/rbac/v3/RBAC.js';
import type { MetadataMatcher__Output } from '../../xds/generated/envoy/type/matcher/v3/MetadataMatcher.js';
import type { PathMatcher__Output } from '../../xds/generated/envoy/type/matcher/v3/PathMatcher.js';
import type { ValueMatcher__Output } from '../../xds/generated/envoy/type/matcher/v3/ValueMatcher.js';
import type { CidrRange } from '../config/listener.js';
import type { MetadataMatch, RbacPermission, RbacPolicy, RbacPrincipal, RbacRules, ValueMatch } from '../config/policy.js';
import type { StringMatch } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { wrapped } from './duration.js';
import { decodeHeaderMatcher } from './route-match.js';
import { decodeStringMatcher } from './string-matcher.js';

/** A CidrRange; an address that is not an IP, or a length out of range, is an error. */
export function decodeCidr(r: CidrRange__Output | null | undefined, errors: DecodeErrors, path: string): CidrRange | undefined {
  if (!r || !r.address_prefix) {
    errors.add(`${path}.address_prefix`, 'address prefix missing');
    return undefined;
  }
  const v6 = r.address_prefix.includes(':');
  const prefixLen = wrapped(r.prefix_len, v6 ? 128 : 32);
  if (prefixLen > (v6 ? 128 : 32)) errors.add(`${path}.prefix_len`, `prefix length ${prefixLen} out of range`);
  return { address: r.address_prefix, prefixLen };
}

function decodePathMatcher(m: PathMatcher__Output | null | undefined, errors: DecodeErrors, path: string): StringMatch | undefined {
  if (!m || m.rule !== 'path') {
    errors.add(path, 'path matcher missing');
    return undefined;
  }
  return decodeStringMatcher(m.path, errors, `${path}.path`);
}

/** A ValueMatcher; every kind Envoy has is supported. */
export function decodeValueMatcher(m: ValueMatcher__Output | null | undefined, errors: DecodeErrors, path: string): ValueMatch | undefined {
  switch (m?.match_pattern) {
    case 'null_match':
      return { kind: 'null' };
    case 'double_match': {
      const d = m.double_match;
      if (d?.match_pattern === 'exact') return { kind: 'double', exact: d.exact ?? 0 };
      if (d?.match_pattern === 'range' && d.range) return { kind: 'double', range: { start: d.range.start, end: d.range.end } };
      errors.add(`${path}.double_match`, 'no match_pattern set');
      return undefined;
    }
    case 'string_match': {
      const match = decodeStringMatcher(m.string_match, errors, `${path}.string_match`);
      return match && { kind: 'string', match };
    }
    case 'bool_match':
      return { kind: 'bool', value: m.bool_match ?? false };
    case 'present_match':
      return { kind: 'present', value: m.present_match ?? false };
    case 'list_match': {
      const oneOf = decodeValueMatcher(m.list_match?.one_of, errors, `${path}.list_match.one_of`);
      return oneOf && { kind: 'list', oneOf };
    }
    case 'or_match': {
      const matchers = (m.or_match?.value_matchers ?? []).map((v, i) => decodeValueMatcher(v, errors, `${path}.or_match.value_matchers[${i}]`));
      return matchers.every((v) => v !== undefined) ? { kind: 'or', matchers: matchers as ValueMatch[] } : undefined;
    }
    default:
      errors.add(path, 'value matcher missing');
      return undefined;
  }
}

/** A MetadataMatcher: namespace, key path (keys only) and the value condition. */
export function decodeMetadataMatcher(m: MetadataMatcher__Output | null | undefined, errors: DecodeErrors, path: string): MetadataMatch | undefined {
  if (!m) {
    errors.add(path, 'metadata matcher missing');
    return undefined;
  }
  if (!m.filter) errors.add(`${path}.filter`, 'filter missing');
  if (m.path.length === 0) errors.add(`${path}.path`, 'path must have at least one segment');
  const keys = m.path.map((s, i) => {
    if (s.segment !== 'key') errors.add(`${path}.path[${i}]`, 'only key segments are supported');
    return s.key ?? '';
  });
  const value = decodeValueMatcher(m.value, errors, `${path}.value`);
  return value && { filter: m.filter, path: keys, value, invert: m.invert };
}

function decodePermission(p: Permission__Output, errors: DecodeErrors, path: string): RbacPermission | undefined {
  const list = (rules: readonly Permission__Output[], at: string): RbacPermission[] | undefined => {
    const out = rules.map((r, i) => decodePermission(r, errors, `${at}.rules[${i}]`));
    return out.every((r) => r !== undefined) ? (out as RbacPermission[]) : undefined;
  };
  switch (p.rule) {
    case 'any':
      return { kind: 'any' };
    case 'and_rules': {
      const rules = list(p.and_rules?.rules ?? [], `${path}.and_rules`);
      return rules && { kind: 'and', rules };
    }
    case 'or_rules': {
      const rules = list(p.or_rules?.rules ?? [], `${path}.or_rules`);
      return rules && { kind: 'or', rules };
    }
    case 'not_rule': {
      const rule = p.not_rule ? decodePermission(p.not_rule, errors, `${path}.not_rule`) : undefined;
      if (!p.not_rule) errors.add(`${path}.not_rule`, 'rule missing');
      return rule && { kind: 'not', rule };
    }
    case 'header':
    case 'url_path':
    case 'metadata':
      return decodeRequestMatcher(p, p.rule, errors, path);
    case 'destination_ip': {
      const cidr = decodeCidr(p.destination_ip, errors, `${path}.destination_ip`);
      return cidr && { kind: 'destination_ip', cidr };
    }
    case 'destination_port':
      return { kind: 'destination_port', port: p.destination_port ?? 0 };
    case 'destination_port_range': {
      const r = p.destination_port_range;
      if (!r || r.end < r.start) errors.add(`${path}.destination_port_range`, 'end must not be before start');
      return r ? { kind: 'destination_port_range', start: r.start, end: r.end } : undefined;
    }
    case 'requested_server_name': {
      const match = decodeStringMatcher(p.requested_server_name, errors, `${path}.requested_server_name`);
      return match && { kind: 'requested_server_name', match };
    }
    case undefined:
      errors.add(path, 'no rule set');
      return undefined;
    default:
      errors.add(`${path}.${p.rule}`, 'not supported');
      return undefined;
  }
}

/** The request matchers a permission and a principal share: a header, the URL path, or metadata. */
type RequestMatcher = Extract<RbacPermission, { kind: 'header' | 'url_path' | 'metadata' }>;

function decodeRequestMatcher(
  m: Pick<Permission__Output, 'header' | 'url_path' | 'metadata'>,
  kind: RequestMatcher['kind'],
  errors: DecodeErrors,
  path: string,
): RequestMatcher | undefined {
  switch (kind) {
    case 'header': {
      const header = m.header ? decodeHeaderMatcher(m.header, errors, `${path}.header`) : undefined;
      return header && { kind, header };
    }
    case 'url_path': {
      const match = decodePathMatcher(m.url_path, errors, `${path}.url_path`);
      return match && { kind, match };
    }
    case 'metadata': {
      const metadata = decodeMetadataMatcher(m.metadata, errors, `${path}.metadata`);
      return metadata && { kind, metadata };
    }
  }
}

function decodePrincipal(p: Principal__Output, errors: DecodeErrors, path: string): RbacPrincipal | undefined {
  const list = (ids: readonly Principal__Output[], at: string): RbacPrincipal[] | undefined => {
    const out = ids.map((r, i) => decodePrincipal(r, errors, `${at}.ids[${i}]`));
    return out.every((r) => r !== undefined) ? (out as RbacPrincipal[]) : undefined;
  };
  const cidr = <K extends 'direct_remote_ip' | 'remote_ip' | 'source_ip'>(kind: K): RbacPrincipal | undefined => {
    const range = decodeCidr(p[kind], errors, `${path}.${kind}`);
    return range && ({ kind, cidr: range } as RbacPrincipal);
  };
  switch (p.identifier) {
    case 'any':
      return { kind: 'any' };
    case 'and_ids': {
      const ids = list(p.and_ids?.ids ?? [], `${path}.and_ids`);
      return ids && { kind: 'and', ids };
    }
    case 'or_ids': {
      const ids = list(p.or_ids?.ids ?? [], `${path}.or_ids`);
      return ids && { kind: 'or', ids };
    }
    case 'not_id': {
      if (!p.not_id) errors.add(`${path}.not_id`, 'principal missing');
      const id = p.not_id ? decodePrincipal(p.not_id, errors, `${path}.not_id`) : undefined;
      return id && { kind: 'not', id };
    }
    case 'authenticated': {
      if (!p.authenticated?.principal_name) return { kind: 'authenticated' };
      const match = decodeStringMatcher(p.authenticated.principal_name, errors, `${path}.authenticated.principal_name`);
      return match && { kind: 'authenticated', match };
    }
    case 'direct_remote_ip':
    case 'remote_ip':
    case 'source_ip':
      return cidr(p.identifier);
    case 'header':
    case 'url_path':
    case 'metadata':
      return decodeRequestMatcher(p, p.identifier, errors, path);
    case undefined:
      errors.add(path, 'no identifier set');
      return undefined;
    default:
      errors.add(`${path}.${p.identifier}`, 'not supported');
      return undefined;
  }
}

/**
 * An RBAC rule set. Policies are ordered by name, so the matched policy reported is stable.
 * CEL conditions and audit logging are refused: ignoring them would change who is allowed.
 */
export function decodeRbacRules(m: RBAC__Output, errors: DecodeErrors, path: string): RbacRules {
  if (m.audit_logging_options) errors.add(`${path}.audit_logging_options`, 'not supported');
  const policies: RbacPolicy[] = [];
  for (const name of Object.keys(m.policies).sort()) {
    const p = m.policies[name]!;
    const at = `${path}.policies[${name}]`;
    if (p.condition) errors.add(`${at}.condition`, 'CEL conditions are not supported');
    if (p.checked_condition) errors.add(`${at}.checked_condition`, 'CEL conditions are not supported');
    if (p.permissions.length === 0) errors.add(`${at}.permissions`, 'at least one permission is required');
    if (p.principals.length === 0) errors.add(`${at}.principals`, 'at least one principal is required');
    const permissions = p.permissions.map((x, i) => decodePermission(x, errors, `${at}.permissions[${i}]`));
    const principals = p.principals.map((x, i) => decodePrincipal(x, errors, `${at}.principals[${i}]`));
    if (permissions.every((x) => x !== undefined) && principals.every((x) => x !== undefined)) {
      policies.push({ name, permissions: permissions as RbacPermission[], principals: principals as RbacPrincipal[] });
    }
  }
  return { action: m.action, policies };
}
