// Semantic validation of RequestAuthentication, as Istio's validating webhook does it.
import type { FieldPath, RequestAuthenticationSpec, Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkDuration, checkHeaderName, checkPolicyTargets } from './common/index.js';

type JwtRule = NonNullable<RequestAuthenticationSpec['jwtRules']>[number];

/**
 * Reports every semantic problem of a RequestAuthentication. Empty strings in `issuer`,
 * `audiences`, `fromParams`, `fromCookies` and `outputClaimToHeaders` are schema errors and are
 * not repeated here.
 */
export function validateRequestAuthentication(resource: Resource<'RequestAuthentication'>, report: Reporter): void {
  const spec: RequestAuthenticationSpec = resource.spec ?? {};
  checkPolicyTargets(spec, report);
  if (!Array.isArray(spec.jwtRules)) return;
  spec.jwtRules.forEach((rule, i) => {
    if (rule && typeof rule === 'object') checkJwtRule(rule, ['spec', 'jwtRules', i], report);
  });
}

function checkJwtRule(rule: JwtRule, path: FieldPath, report: Reporter): void {
  // `jwks_uri` is the older spelling of `jwksUri`, and Istio still reads it.
  const uriField = rule.jwksUri ? 'jwksUri' : rule.jwks_uri ? 'jwks_uri' : undefined;
  const jwksUri = uriField ? rule[uriField] : undefined;

  if ((rule.issuer === undefined || rule.issuer === null) && !jwksUri) {
    report.error([...path, 'issuer'], 'issuer is required: name the issuer (the "iss" claim) of the tokens to accept');
  }
  if (uriField && typeof jwksUri === 'string') {
    const bad = checkJwksUri(jwksUri);
    if (bad) report.error([...path, uriField], bad);
  }
  if (typeof rule.jwks === 'string' && rule.jwks !== '') {
    const bad = checkJwks(rule.jwks);
    if (bad) report.error([...path, 'jwks'], bad);
    if (uriField) report.warning([...path, uriField], `${uriField} is ignored when jwks is set; keep only one of them`);
  }

  if (Array.isArray(rule.fromHeaders)) {
    rule.fromHeaders.forEach((header, j) => {
      if (!header || typeof header.name !== 'string' || header.name === '') return; // schema errors
      const bad = checkHeaderName(header.name);
      if (bad) report.error([...path, 'fromHeaders', j, 'name'], bad);
    });
  }

  if (typeof rule.outputPayloadToHeader === 'string' && rule.outputPayloadToHeader !== '') {
    const bad = checkOutputHeader(rule.outputPayloadToHeader);
    if (bad) report.error([...path, 'outputPayloadToHeader'], bad);
  }

  if (Array.isArray(rule.outputClaimToHeaders)) {
    const seen = new Map<string, number>();
    rule.outputClaimToHeaders.forEach((entry, j) => {
      if (!entry || typeof entry.header !== 'string' || entry.header === '') return; // schema errors
      const header = entry.header.toLowerCase();
      const first = seen.get(header);
      if (first === undefined) seen.set(header, j);
      else {
        report.warning([...path, 'outputClaimToHeaders', j, 'header'],
          `header "${entry.header}" is already written by outputClaimToHeaders[${first}]; each header must be used once`);
      }
    });
  }

  if (rule.timeout !== undefined && rule.timeout !== null) {
    const bad = checkDuration(rule.timeout, { minMs: 1 });
    if (bad) report.error([...path, 'timeout'], bad);
  }
}

/** A reason the JWKS URI is not an http or https URL with a host, or undefined. */
function checkJwksUri(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `"${uri}" is not a valid URL: use an http or https URL such as "https://example.com/.well-known/jwks.json"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `URL scheme "${url.protocol.slice(0, -1)}" is not supported: the JWKS is fetched over http or https`;
  }
  if (url.hostname === '') return `"${uri}" has no host`;
  return undefined;
}

/** A reason the inline JWKS is not a JSON Web Key or key set, or undefined. */
function checkJwks(jwks: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch {
    return 'jwks must be a JSON Web Key Set in JSON, such as {"keys": [...]}';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'jwks must be a JSON object, a key set such as {"keys": [...]}';
  }
  const set = parsed as Record<string, unknown>;
  if ('keys' in set) {
    if (!Array.isArray(set.keys)) return 'jwks "keys" must be a list of JSON Web Keys';
    const bad = set.keys.findIndex((k) => typeof k !== 'object' || k === null || typeof (k as Record<string, unknown>).kty !== 'string');
    if (bad >= 0) return `jwks keys[${bad}] is not a JSON Web Key: each key needs a "kty"`;
    return undefined;
  }
  if (typeof set.kty !== 'string') return 'jwks must hold a "keys" list, or be a single JSON Web Key with a "kty"';
  return undefined;
}

/** A reason the header cannot receive JWT output, or undefined. Pseudo-headers cannot be set. */
function checkOutputHeader(name: string): string | undefined {
  if (name.startsWith(':')) return `"${name}" is a pseudo-header and cannot be set`;
  return checkHeaderName(name);
}
