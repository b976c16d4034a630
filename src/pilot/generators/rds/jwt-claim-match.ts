// Routing on JWT claims: a match on the pseudo-header `@request.auth.claims.<name>` becomes a
// dynamic-metadata matcher on what the request-authentication filter records, as Istio does.
import type { MetadataMatcher } from '../../../xds/generated/envoy/type/matcher/v3/MetadataMatcher.js';
import { toStringMatcher } from './string-match.js';
import type { StringMatch } from './virtual-service-view.js';

const CLAIM_HEADER = '@request.auth.claims';

/**
 * The metadata namespace the request-authentication filter writes verified claims to, under
 * `request.auth.claims` (Istio's `istio_authn`). Citadel's JWT filter must write the same.
 */
export const AUTHN_METADATA_NAMESPACE = 'istio_authn';

/**
 * The claim path a header name asks for: `@request.auth.claims.group.id` and
 * `@request.auth.claims[group][id]` both give `['group', 'id']`. Undefined for other headers.
 */
export function claimPath(headerName: string): string[] | undefined {
  if (!headerName.toLowerCase().startsWith(CLAIM_HEADER)) return undefined;
  const rest = headerName.slice(CLAIM_HEADER.length);
  if (rest.startsWith('.') && rest.length > 1) return rest.slice(1).split('.');
  if (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2) return rest.slice(1, -1).split('][');
  return undefined;
}

/**
 * A matcher on the claim at `claims`: the claim (a string, or a list of strings) must hold a
 * value matching `m`; with no match type, the claim must be present.
 */
export function claimMatcher(claims: readonly string[], m: StringMatch | undefined, invert = false): MetadataMatcher {
  const matcher = toStringMatcher(m);
  const value = matcher ? { list_match: { one_of: { string_match: matcher } } } : { present_match: true };
  const out: MetadataMatcher = {
    filter: AUTHN_METADATA_NAMESPACE,
    path: ['request.auth.claims', ...claims].map((key) => ({ key })),
    value,
  };
  if (invert) out.invert = true;
  return out;
}
