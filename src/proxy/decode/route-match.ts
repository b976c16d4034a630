// Envoy's RouteMatch (path, headers, query parameters, runtime fraction) as the runtime RouteMatch.
import type { RouteMatch__Output } from '../../xds/generated/envoy/config/route/v3/RouteMatch.js';
import type { HeaderMatcher__Output } from '../../xds/generated/envoy/config/route/v3/HeaderMatcher.js';
import type { QueryParameterMatcher__Output } from '../../xds/generated/envoy/config/route/v3/QueryParameterMatcher.js';
import type { HeaderMatch, PathMatch, QueryParameterMatch, RouteMatch, StringMatch } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { wrappedBool } from './duration.js';
import { percentPpm } from './percent.js';
import { decodeRegexMatcher, decodeStringMatcher } from './string-matcher.js';

function decodePath(m: RouteMatch__Output, errors: DecodeErrors, path: string): PathMatch | undefined {
  switch (m.path_specifier) {
    case 'prefix':
      return { kind: 'prefix', value: m.prefix ?? '' };
    case 'path':
      return { kind: 'path', value: m.path ?? '' };
    case 'path_separated_prefix':
      return { kind: 'path_separated_prefix', value: m.path_separated_prefix ?? '' };
    case 'safe_regex': {
      const value = decodeRegexMatcher(m.safe_regex, errors, `${path}.safe_regex`);
      return value === undefined ? undefined : { kind: 'regex', value };
    }
    case undefined:
      errors.add(path, 'no path_specifier set');
      return undefined;
    default:
      errors.add(`${path}.${m.path_specifier}`, 'not supported');
      return undefined;
  }
}

/** One HeaderMatcher; the deprecated *_match forms and string_match alike. Range matches are errors. */
export function decodeHeaderMatcher(h: HeaderMatcher__Output, errors: DecodeErrors, path: string): HeaderMatch | undefined {
  let match: HeaderMatch['match'] | undefined;
  let invert = h.invert_match;
  const plain = (kind: 'exact' | 'prefix' | 'suffix' | 'contains', value: string | undefined): StringMatch => ({ kind, value: value ?? '', ignoreCase: false });
  switch (h.header_match_specifier) {
    case 'exact_match':
      match = plain('exact', h.exact_match);
      break;
    case 'prefix_match':
      match = plain('prefix', h.prefix_match);
      break;
    case 'suffix_match':
      match = plain('suffix', h.suffix_match);
      break;
    case 'contains_match':
      match = plain('contains', h.contains_match);
      break;
    case 'safe_regex_match': {
      const value = decodeRegexMatcher(h.safe_regex_match, errors, `${path}.safe_regex_match`);
      if (value !== undefined) match = { kind: 'regex', value };
      break;
    }
    case 'string_match':
      match = decodeStringMatcher(h.string_match, errors, `${path}.string_match`);
      break;
    case 'present_match':
      match = { kind: 'present' };
      // present_match: false asks for the header to be absent.
      if (h.present_match === false) invert = !invert;
      break;
    case undefined:
      match = { kind: 'present' };
      break;
    default:
      errors.add(`${path}.${h.header_match_specifier}`, 'not supported');
  }
  if (!h.name) errors.add(`${path}.name`, 'header name missing');
  if (!match) return undefined;
  return { name: h.name.toLowerCase(), match, invert, ...(h.treat_missing_header_as_empty ? { treatMissingAsEmpty: true } : {}) };
}

function decodeQueryParameter(q: QueryParameterMatcher__Output, errors: DecodeErrors, path: string): QueryParameterMatch | undefined {
  if (!q.name) errors.add(`${path}.name`, 'query parameter name missing');
  if (q.query_parameter_match_specifier === 'string_match') {
    const match = decodeStringMatcher(q.string_match, errors, `${path}.string_match`);
    return match && { name: q.name, match };
  }
  return { name: q.name, match: { kind: 'present' } };
}

/** A RouteMatch: exactly one path specifier, headers ANDed, query parameters, runtime fraction; gRPC, TLS and metadata matches are errors. */
export function decodeRouteMatch(m: RouteMatch__Output | null, errors: DecodeErrors, path: string): RouteMatch | undefined {
  if (!m) {
    errors.add(path, 'route match missing');
    return undefined;
  }
  const pathMatch = decodePath(m, errors, path);
  const headers = m.headers.map((h, i) => decodeHeaderMatcher(h, errors, `${path}.headers[${i}]`)).filter((h): h is HeaderMatch => h !== undefined);
  const queryParameters = m.query_parameters
    .map((q, i) => decodeQueryParameter(q, errors, `${path}.query_parameters[${i}]`))
    .filter((q): q is QueryParameterMatch => q !== undefined);
  if (m.grpc) errors.add(`${path}.grpc`, 'not supported');
  if (m.tls_context) errors.add(`${path}.tls_context`, 'not supported');
  if (m.dynamic_metadata.length > 0) errors.add(`${path}.dynamic_metadata`, 'not supported yet');
  const runtimeFractionPpm = m.runtime_fraction ? percentPpm(m.runtime_fraction.default_value, 1_000_000, errors, `${path}.runtime_fraction.default_value`) : undefined;
  if (!pathMatch) return undefined;
  return {
    path: pathMatch,
    caseSensitive: wrappedBool(m.case_sensitive, true),
    headers,
    queryParameters,
    ...(runtimeFractionPpm !== undefined ? { runtimeFractionPpm } : {}),
  };
}
