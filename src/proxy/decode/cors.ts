// Envoy's CORS policy (the filter's per-route CorsPolicy, or the legacy route field) as the runtime CorsPolicy.
import type { CorsPolicy__Output } from '../../xds/generated/envoy/extensions/filters/http/cors/v3/CorsPolicy.js';
import type { CorsPolicy__Output as LegacyCorsPolicy__Output } from '../../xds/generated/envoy/config/route/v3/CorsPolicy.js';
import type { CorsPolicy, StringMatch } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { percentPpm } from './percent.js';
import { decodeStringMatcher } from './string-matcher.js';

/**
 * The CORS policy, or undefined when its filter_enabled fraction is 0 (Envoy then ignores it).
 * Origins keep their matchers; methods and headers stay as the comma-joined strings.
 */
export function decodeCorsPolicy(m: CorsPolicy__Output | LegacyCorsPolicy__Output, errors: DecodeErrors, path: string): CorsPolicy | undefined {
  const enabled = m.filter_enabled ? percentPpm(m.filter_enabled.default_value, 1_000_000, errors, `${path}.filter_enabled.default_value`) : 1_000_000;
  const allowOrigins = m.allow_origin_string_match
    .map((o, i) => decodeStringMatcher(o, errors, `${path}.allow_origin_string_match[${i}]`))
    .filter((o): o is StringMatch => o !== undefined);
  if (enabled === 0) return undefined;
  return {
    allowOrigins,
    ...(m.allow_methods ? { allowMethods: m.allow_methods } : {}),
    ...(m.allow_headers ? { allowHeaders: m.allow_headers } : {}),
    ...(m.expose_headers ? { exposeHeaders: m.expose_headers } : {}),
    ...(m.max_age ? { maxAge: m.max_age } : {}),
    ...(m.allow_credentials ? { allowCredentials: m.allow_credentials.value } : {}),
  };
}
