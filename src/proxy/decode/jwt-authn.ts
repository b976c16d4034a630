// Envoy's jwt_authn filter config (JwtAuthentication) as the runtime JwtAuthnConfig. Keys must be
// inline: the control plane fetches jwksUri itself, so the sidecar never goes to the network for them.
import type { JwtAuthentication__Output } from '../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtAuthentication.js';
import type { JwtProvider__Output } from '../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtProvider.js';
import type { JwtRequirement__Output } from '../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtRequirement.js';
import type { JwtAuthnConfig, JwtProviderConfig, JwtRequirement, JwtRule } from '../config/policy.js';
import type { DecodeErrors } from './decode-result.js';
import { decodeRouteMatch } from './route-match.js';

/** Provider fields that change who is let in; ignoring them would be unsafe, so they are refused. */
const REFUSED_PROVIDER_FIELDS = ['header_in_metadata', 'failed_status_in_metadata', 'subjects', 'max_lifetime'] as const;

function jwksText(p: JwtProvider__Output, errors: DecodeErrors, path: string): string | undefined {
  if (p.jwks_source_specifier === 'remote_jwks') {
    errors.add(`${path}.remote_jwks`, 'remote JWKS not supported; the control plane inlines keys');
    return undefined;
  }
  const source = p.local_jwks;
  const text = source?.specifier === 'inline_string' ? source.inline_string : source?.specifier === 'inline_bytes' ? source.inline_bytes?.toString('utf8') : undefined;
  if (text === undefined) {
    errors.add(`${path}.local_jwks`, 'only inline_string or inline_bytes key sets are supported');
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(parsed.keys)) throw new Error('no "keys" array');
  } catch (err) {
    errors.add(`${path}.local_jwks`, `invalid JWKS: ${(err as Error).message}`);
    return undefined;
  }
  return text;
}

function isSet(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== null && value !== undefined && value !== '';
}

function decodeProvider(name: string, p: JwtProvider__Output, errors: DecodeErrors, path: string): JwtProviderConfig | undefined {
  for (const field of REFUSED_PROVIDER_FIELDS) if (isSet(p[field])) errors.add(`${path}.${field}`, 'not supported');
  if (p.require_expiration) errors.add(`${path}.require_expiration`, 'not supported');
  const jwks = jwksText(p, errors, path);
  if (jwks === undefined) return undefined;
  return {
    name,
    issuer: p.issuer,
    audiences: p.audiences,
    jwks,
    forward: p.forward,
    fromHeaders: p.from_headers.map((h) => ({ name: h.name.toLowerCase(), valuePrefix: h.value_prefix })),
    fromParams: p.from_params,
    fromCookies: p.from_cookies,
    claimToHeaders: p.claim_to_headers.map((c) => ({ header: c.header_name.toLowerCase(), claim: c.claim_name })),
    spaceDelimitedClaims: p.normalize_payload_in_metadata?.space_delimited_claims ?? [],
    ...(p.forward_payload_header ? { forwardPayloadHeader: p.forward_payload_header.toLowerCase() } : {}),
    ...(p.payload_in_metadata ? { payloadInMetadata: p.payload_in_metadata } : {}),
    clockSkewSeconds: p.clock_skew_seconds === 0 ? 60 : p.clock_skew_seconds,
  };
}

function decodeRequirement(r: JwtRequirement__Output | null | undefined, providers: ReadonlySet<string>, errors: DecodeErrors, path: string): JwtRequirement | undefined {
  const list = (items: readonly JwtRequirement__Output[], at: string): JwtRequirement[] | undefined => {
    if (items.length < 2) errors.add(at, 'at least two requirements are required');
    const out = items.map((x, i) => decodeRequirement(x, providers, errors, `${at}[${i}]`));
    return out.every((x) => x !== undefined) ? (out as JwtRequirement[]) : undefined;
  };
  const known = (name: string, at: string): boolean => {
    if (!providers.has(name)) errors.add(at, `unknown provider ${JSON.stringify(name)}`);
    return providers.has(name);
  };
  switch (r?.requires_type) {
    case 'provider_name':
      return known(r.provider_name ?? '', `${path}.provider_name`) ? { kind: 'provider', provider: r.provider_name! } : undefined;
    case 'provider_and_audiences': {
      const pa = r.provider_and_audiences;
      if (!pa || !known(pa.provider_name, `${path}.provider_and_audiences.provider_name`)) return undefined;
      return { kind: 'provider', provider: pa.provider_name, audiences: pa.audiences };
    }
    case 'requires_any': {
      const requirements = list(r.requires_any?.requirements ?? [], `${path}.requires_any.requirements`);
      return requirements && { kind: 'requires_any', requirements };
    }
    case 'requires_all': {
      const requirements = list(r.requires_all?.requirements ?? [], `${path}.requires_all.requirements`);
      return requirements && { kind: 'requires_all', requirements };
    }
    case 'allow_missing':
      return { kind: 'allow_missing' };
    case 'allow_missing_or_failed':
      return { kind: 'allow_missing_or_failed' };
    default:
      return undefined;
  }
}

/**
 * A JwtAuthentication. Providers are kept in name order; rules may name a requirement of
 * requirement_map. Filter-state rules are refused.
 */
export function decodeJwtAuthentication(m: JwtAuthentication__Output, errors: DecodeErrors, path: string): JwtAuthnConfig | undefined {
  if (m.filter_state_rules) errors.add(`${path}.filter_state_rules`, 'not supported');
  const providers: JwtProviderConfig[] = [];
  for (const name of Object.keys(m.providers).sort()) {
    const p = decodeProvider(name, m.providers[name]!, errors, `${path}.providers[${name}]`);
    if (p) providers.push(p);
  }
  const names = new Set(Object.keys(m.providers));
  const named = new Map<string, JwtRequirement>();
  for (const [name, r] of Object.entries(m.requirement_map)) {
    const decoded = decodeRequirement(r, names, errors, `${path}.requirement_map[${name}]`);
    if (decoded) named.set(name, decoded);
  }
  const rules: JwtRule[] = [];
  m.rules.forEach((r, i) => {
    const at = `${path}.rules[${i}]`;
    const match = decodeRouteMatch(r.match, errors, `${at}.match`);
    let requires: JwtRequirement | undefined;
    if (r.requirement_type === 'requires') requires = decodeRequirement(r.requires, names, errors, `${at}.requires`);
    else if (r.requirement_type === 'requirement_name') {
      requires = named.get(r.requirement_name ?? '');
      if (!requires) errors.add(`${at}.requirement_name`, `unknown requirement ${JSON.stringify(r.requirement_name)}`);
    }
    if (match) rules.push({ match, ...(requires ? { requires } : {}) });
  });
  return { providers, rules, bypassCorsPreflight: m.bypass_cors_preflight };
}
