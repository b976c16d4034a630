// What a verified JWT leaves in dynamic metadata: the payload under Envoy's jwt_authn namespace,
// and Istio's request.auth.* attributes under `istio_authn`, which RBAC metadata matchers read.
import type { JWTPayload } from 'jose';
import type { JsonObject, JsonValue } from '../../../xds/struct.js';
import type { DynamicMetadata } from '../policy-filter.js';

/** Envoy's jwt_authn metadata namespace; keys are each provider's payload_in_metadata. */
export const JWT_AUTHN_METADATA_NAMESPACE = 'envoy.filters.http.jwt_authn';
/** The namespace Istio's authn filter fills and Pilot's RBAC policies match on. */
export const ISTIO_AUTHN_METADATA_NAMESPACE = 'istio_authn';

/** Claims Istio splits on spaces into lists (OAuth scopes), besides a provider's own. */
const SPACE_DELIMITED = ['scope', 'permission'];

function scalarText(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A claim as Istio matches it: a list of strings; objects stay objects so nested claims can be reached. */
function claimValue(name: string, v: JsonValue, split: ReadonlySet<string>): JsonValue {
  if (Array.isArray(v)) return v.map((x: JsonValue) => (x !== null && typeof x === 'object' ? x : scalarText(x)));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = claimValue(k, x as JsonValue, split);
    return out;
  }
  if (typeof v === 'string' && split.has(name)) return splitSpaces(v);
  return [scalarText(v)];
}

function splitSpaces(v: string): string[] {
  return v.split(' ').filter((s) => s !== '');
}

/**
 * Writes a verified payload: `envoy.filters.http.jwt_authn[<payloadKey>]` when a key is given
 * (with the `spaceDelimited` claims split into lists, as normalize_payload_in_metadata asks),
 * and, for the first verified token of the request, `istio_authn` with `request.auth.principal`
 * (`<iss>/<sub>`), `request.auth.audiences` (list), `request.auth.presenter` (azp) and
 * `request.auth.claims` (every claim, list-valued).
 */
export function writeJwtMetadata(metadata: DynamicMetadata, payload: JWTPayload, payloadKey: string | undefined, spaceDelimited: readonly string[] = []): void {
  let json = payload as JsonObject;
  if (spaceDelimited.length > 0) {
    const normalized: Record<string, JsonValue> = { ...json };
    for (const k of spaceDelimited) if (typeof json[k] === 'string') normalized[k] = splitSpaces(json[k]);
    json = normalized;
  }
  if (payloadKey !== undefined) {
    metadata.set(JWT_AUTHN_METADATA_NAMESPACE, { ...metadata.get(JWT_AUTHN_METADATA_NAMESPACE), [payloadKey]: json });
  }
  if (metadata.has(ISTIO_AUTHN_METADATA_NAMESPACE)) return;
  const split = new Set([...SPACE_DELIMITED, ...spaceDelimited]);
  const claims: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(payload as JsonObject)) claims[k] = claimValue(k, v, split);
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const authn: Record<string, JsonValue> = {
    'request.auth.principal': `${payload.iss ?? ''}/${payload.sub ?? ''}`,
    'request.auth.audiences': aud,
    'request.auth.claims': claims,
  };
  if (typeof json['azp'] === 'string') authn['request.auth.presenter'] = json['azp'];
  if (payload.iss !== undefined) authn['request.auth.issuer'] = payload.iss;
  metadata.set(ISTIO_AUTHN_METADATA_NAMESPACE, authn);
}
