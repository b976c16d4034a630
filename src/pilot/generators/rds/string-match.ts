// Istio's StringMatch as Envoy matchers: string matchers, header matchers and query matchers.
import type { HeaderMatcher } from '../../../xds/generated/envoy/config/route/v3/HeaderMatcher.js';
import type { QueryParameterMatcher } from '../../../xds/generated/envoy/config/route/v3/QueryParameterMatcher.js';
import type { StringMatcher } from '../../../xds/generated/envoy/type/matcher/v3/StringMatcher.js';
import type { RegexMatcher } from '../../../xds/generated/envoy/type/matcher/v3/RegexMatcher.js';
import type { StringMatch } from './virtual-service-view.js';

/** An RE2 regex matcher (Envoy's only safe engine, named explicitly). */
export function re2(regex: string): RegexMatcher {
  return { google_re2: {}, regex };
}

/**
 * True when `m` only asks for presence: no match type set, or the regex `*` (not RE2, but
 * Istio reads it as "any value"), or an empty prefix, which Envoy's StringMatcher refuses.
 */
export function isPresentMatch(m: StringMatch | undefined): boolean {
  if (!m) return true;
  if (m.exact !== undefined) return false;
  if (m.prefix !== undefined) return m.prefix === '';
  if (m.regex !== undefined) return m.regex === '*';
  return true;
}

/** `m` as an Envoy StringMatcher; undefined when it only asks for presence. */
export function toStringMatcher(m: StringMatch | undefined, ignoreCase = false): StringMatcher | undefined {
  if (!m || isPresentMatch(m)) return undefined;
  const caseless = ignoreCase ? { ignore_case: true } : {};
  if (m.exact !== undefined) return { exact: m.exact, ...caseless };
  if (m.prefix !== undefined) return { prefix: m.prefix, ...caseless };
  return { safe_regex: re2(m.regex ?? '') };
}

/** A header matcher for `name` (lowercased, as HTTP/2 carries it): present_match or a string_match. */
export function toHeaderMatcher(name: string, m: StringMatch | undefined): HeaderMatcher {
  const header = name.startsWith(':') ? name : name.toLowerCase();
  const matcher = toStringMatcher(m);
  return matcher ? { name: header, string_match: matcher } : { name: header, present_match: true };
}

/**
 * A header matcher that matches when the header does NOT match `m` (withoutHeaders). A missing
 * header counts as empty, so that "not equal to x" also matches requests without the header;
 * for a presence match that would contradict present_match, so it is left out there.
 */
export function toInvertedHeaderMatcher(name: string, m: StringMatch | undefined): HeaderMatcher {
  const out: HeaderMatcher = { ...toHeaderMatcher(name, m), invert_match: true };
  if (!isPresentMatch(m)) out.treat_missing_header_as_empty = true;
  return out;
}

/** A query parameter matcher: present_match or a string_match. */
export function toQueryParameterMatcher(name: string, m: StringMatch | undefined): QueryParameterMatcher {
  const matcher = toStringMatcher(m);
  return matcher ? { name, string_match: matcher } : { name, present_match: true };
}
