// An HTTPMatchRequest as an Envoy RouteMatch: the path, headers (method, authority and scheme as
// pseudo-headers), withoutHeaders, query parameters, case sensitivity and JWT claims.
import type { RouteMatch } from '../../../xds/generated/envoy/config/route/v3/RouteMatch.js';
import type { HeaderMatcher } from '../../../xds/generated/envoy/config/route/v3/HeaderMatcher.js';
import type { MetadataMatcher } from '../../../xds/generated/envoy/type/matcher/v3/MetadataMatcher.js';
import { claimMatcher, claimPath } from './jwt-claim-match.js';
import { re2, toHeaderMatcher, toInvertedHeaderMatcher, toQueryParameterMatcher } from './string-match.js';
import type { HttpMatchRequest, StringMatch } from './virtual-service-view.js';

const byName = <T extends { name?: string }>(a: T, b: T): number => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : 0);

/**
 * The RouteMatch for one match block; `prefix: /` when there is none. Header matchers are sorted
 * by name (Istio's order), then `:method`, `:authority` and `:scheme` follow; conditions are ANDed.
 */
export function buildRouteMatch(match: HttpMatchRequest | undefined): RouteMatch {
  const out: RouteMatch = { prefix: '/' };
  if (!match) return out;
  const headers: HeaderMatcher[] = [];
  const metadata: MetadataMatcher[] = [];
  for (const [name, m] of entries(match.headers)) {
    const claims = claimPath(name);
    if (claims) metadata.push(claimMatcher(claims, m));
    else headers.push(toHeaderMatcher(name, m));
  }
  for (const [name, m] of entries(match.withoutHeaders)) {
    const claims = claimPath(name);
    if (claims) metadata.push(claimMatcher(claims, m, true));
    else headers.push(toInvertedHeaderMatcher(name, m));
  }
  headers.sort(byName);
  setPath(out, match.uri);
  out.case_sensitive = { value: !match.ignoreUriCase };
  if (match.method) headers.push(toHeaderMatcher(':method', match.method));
  if (match.authority) headers.push(toHeaderMatcher(':authority', match.authority));
  if (match.scheme) headers.push(toHeaderMatcher(':scheme', match.scheme));
  if (headers.length > 0) out.headers = headers;
  if (metadata.length > 0) out.dynamic_metadata = metadata;
  const query = entries(match.queryParams).map(([name, m]) => toQueryParameterMatcher(name, m));
  if (query.length > 0) out.query_parameters = query.sort(byName);
  return out;
}

/** True when a route matches every request: path `/` (or regex `.*`) and no other condition. */
export function isCatchAllMatch(m: RouteMatch): boolean {
  const path = m.prefix === '/' || m.safe_regex?.regex === '.*';
  return path && !m.headers?.length && !m.query_parameters?.length && !m.dynamic_metadata?.length;
}

function setPath(out: RouteMatch, uri: StringMatch | undefined): void {
  if (!uri) return;
  if (uri.exact !== undefined) {
    delete out.prefix;
    out.path = uri.exact;
  } else if (uri.prefix !== undefined) {
    out.prefix = uri.prefix === '' ? '/' : uri.prefix;
  } else if (uri.regex !== undefined) {
    delete out.prefix;
    out.safe_regex = re2(uri.regex);
  }
}

function entries(record: Readonly<Record<string, StringMatch>> | undefined): [string, StringMatch][] {
  return record ? Object.entries(record) : [];
}
