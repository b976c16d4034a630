// Istio's corsPolicy as the per-route config of Envoy's CORS filter.
import type { CorsPolicy as EnvoyCorsPolicy } from '../../../xds/generated/envoy/extensions/filters/http/cors/v3/CorsPolicy.js';
import type { StringMatcher } from '../../../xds/generated/envoy/type/matcher/v3/StringMatcher.js';
import { durationSeconds } from '../shared/duration.js';
import { toStringMatcher } from './string-match.js';
import type { CorsPolicy } from './virtual-service-view.js';

/** The HTTP filter name the CORS config is keyed by. */
export const CORS_FILTER_NAME = 'envoy.filters.http.cors';
export const CORS_POLICY_TYPE = 'envoy.extensions.filters.http.cors.v3.CorsPolicy';

/**
 * The Envoy CorsPolicy: allowed origins (allowOrigins matchers, or the deprecated allowOrigin as
 * exact strings), methods, headers and exposed headers joined with commas, max age in seconds,
 * credentials when set, always enabled. Preflights that match no origin are forwarded upstream
 * unless `unmatchedPreflights: IGNORE`.
 */
export function buildCorsPolicy(cors: CorsPolicy): EnvoyCorsPolicy {
  const out: EnvoyCorsPolicy = {
    filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' } },
    forward_not_matching_preflights: { value: cors.unmatchedPreflights !== 'IGNORE' },
  };
  const origins: StringMatcher[] = cors.allowOrigins
    ? cors.allowOrigins.map((m) => toStringMatcher(m)).filter((m): m is StringMatcher => m !== undefined)
    : (cors.allowOrigin ?? []).map((exact) => ({ exact }));
  if (origins.length > 0) out.allow_origin_string_match = origins;
  if (cors.allowMethods?.length) out.allow_methods = cors.allowMethods.join(',');
  if (cors.allowHeaders?.length) out.allow_headers = cors.allowHeaders.join(',');
  if (cors.exposeHeaders?.length) out.expose_headers = cors.exposeHeaders.join(',');
  const maxAge = durationSeconds(cors.maxAge);
  if (maxAge !== undefined) out.max_age = String(maxAge);
  if (cors.allowCredentials !== undefined) out.allow_credentials = { value: cors.allowCredentials };
  return out;
}
