// Envoy's jwt_authn filter config (JwtAuthentication) as the runtime JwtAuthnConfig. Keys are
// inline (local_jwks) or fetched by the sidecar through one of its clusters (remote_jwks).
import type { JwtAuthentication__Output } from '../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtAuthentication.js';
import type { JwtProvider__Output } from '../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtProvider.js';
import type { JwtRequirement__Output } from '../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtRequirement.js';
import type { RemoteJwks__Output } from '../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/RemoteJwks.js';
import type { JwtAuthnConfig, JwtProviderConfig, JwtRemoteJwksConfig, JwtRequirement, JwtRule } from '../config/policy.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs, wrapped } from './duration.js';
import { decodeRouteMatch } from './route-match.js';

/** Provider fields that change who is let in; ignoring them would be unsafe, so they are refused. */
const REFUSED_PROVIDER_FIELDS = ['header_in_metadata', 'failed_status_in_metadata', 'subjects', 'max_lifetime'] as const;

/** Envoy's default cache_duration for remote key sets. */
export const DEFAULT_JWKS_CACHE_DURATION_MS = 5 * 60_000;
/** Envoy's default wait before retrying a failed async_fetch. */
export const DEFAULT_JWKS_FAILED_REFETCH_MS = 1_000;
/** Defaults of a remote key set's retry_policy: Envoy's one retry, 1 s base backoff and 10 s cap. */
const JWKS_RETRY_DEFAULTS = { numRetries: 1, baseMs: 1_000, maxMs: 10_000 };
/** More attempts than this add nothing but load on the key server; larger num_retries are capped. */
export const MAX_JWKS_RETRIES = 3;

function decodeRemoteJwks(r: RemoteJwks__Output | null | undefined, errors: DecodeErrors, path: string): JwtRemoteJwksConfig | undefined {
  const before = errors.list.length;
  const uri = r?.http_uri;
  if (!uri) {
    errors.add(`${path}.http_uri`, 'http_uri is required');
    return undefined;
  }
  try {
    const parsed = new URL(uri.uri);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    errors.add(`${path}.http_uri.uri`, `invalid http(s) URI ${JSON.stringify(uri.uri)}`);
  }
  if (!uri.cluster) errors.add(`${path}.http_uri.cluster`, 'cluster is required: the sidecar fetches keys only through its clusters');
  const timeoutMs = durationMs(uri.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) errors.add(`${path}.http_uri.timeout`, 'a positive timeout is required');
  const cacheDurationMs = durationMs(r.cache_duration, DEFAULT_JWKS_CACHE_DURATION_MS);
  if (cacheDurationMs <= 0) errors.add(`${path}.cache_duration`, 'must be positive');
  let asyncFetch: JwtRemoteJwksConfig['asyncFetch'];
  if (r.async_fetch) {
    const failedRefetchMs = durationMs(r.async_fetch.failed_refetch_duration, DEFAULT_JWKS_FAILED_REFETCH_MS);
    if (failedRefetchMs <= 0) errors.add(`${path}.async_fetch.failed_refetch_duration`, 'must be positive');
    asyncFetch = { failedRefetchMs };
  }
  const policy = r.retry_policy;
  let retries = 0;
  let retryBackoffBaseMs = JWKS_RETRY_DEFAULTS.baseMs;
  let retryBackoffMaxMs = JWKS_RETRY_DEFAULTS.maxMs;
  if (policy) {
    if (policy.retry_priority) errors.add(`${path}.retry_policy.retry_priority`, 'not supported');
    if (policy.retry_host_predicate.length > 0) errors.add(`${path}.retry_policy.retry_host_predicate`, 'not supported');
    retries = Math.min(wrapped(policy.num_retries, JWKS_RETRY_DEFAULTS.numRetries), MAX_JWKS_RETRIES);
    retryBackoffBaseMs = durationMs(policy.retry_back_off?.base_interval, JWKS_RETRY_DEFAULTS.baseMs);
    if (retryBackoffBaseMs <= 0) errors.add(`${path}.retry_policy.retry_back_off.base_interval`, 'must be positive');
    retryBackoffMaxMs = durationMs(policy.retry_back_off?.max_interval, Math.max(retryBackoffBaseMs * 10, JWKS_RETRY_DEFAULTS.maxMs));
    if (retryBackoffMaxMs < retryBackoffBaseMs) errors.add(`${path}.retry_policy.retry_back_off.max_interval`, 'must not be less than base_interval');
  }
  if (errors.list.length > before) return undefined;
  return {
    uri: uri.uri,
    cluster: uri.cluster!,
    timeoutMs: timeoutMs!,
    cacheDurationMs,
    ...(asyncFetch ? { asyncFetch } : {}),
    retries,
    retryBackoffBaseMs,
    retryBackoffMaxMs,
  };
}

function jwksText(p: JwtProvider__Output, errors: DecodeErrors, path: string): string | undefined {
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
  let jwks = '';
  let remoteJwks: JwtRemoteJwksConfig | undefined;
  if (p.jwks_source_specifier === 'remote_jwks') {
    remoteJwks = decodeRemoteJwks(p.remote_jwks, errors, `${path}.remote_jwks`);
    if (!remoteJwks) return undefined;
  } else {
    const text = jwksText(p, errors, path);
    if (text === undefined) return undefined;
    jwks = text;
  }
  return {
    name,
    issuer: p.issuer,
    audiences: p.audiences,
    jwks,
    ...(remoteJwks ? { remoteJwks } : {}),
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
