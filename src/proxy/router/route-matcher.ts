// One route's match conditions compiled into a predicate: path (prefix, exact, RE2 regex,
// path-separated prefix), headers, query parameters and runtime fraction, all ANDed as in Envoy.
import type { HeaderMatch, PathMatch, QueryParameterMatch, RouteMatch } from '../config/route.js';
import type { RequestHead } from '../http/message.js';
import { compileRe2 } from './re2-compile.js';
import { headerValueForMatch, queryParameter } from './request-attributes.js';
import { createStringMatcher } from './string-matcher.js';

/**
 * Tells whether a request matches one route. `pathEnd` is where the query starts in `head.path`
 * (its length when there is none); `sample` is one uniform draw in [0, 1) per request, shared by
 * every route so that runtime fractions split traffic consistently.
 */
export type RouteMatcher = (head: RequestHead, pathEnd: number, sample: number) => boolean;

type Check = (head: RequestHead) => boolean;

/**
 * Compiles `match`. Envoy's order: runtime fraction, then headers, then query parameters, then
 * the path. A missing header fails a string condition whether inverted or not, unless
 * treatMissingAsEmpty, when '' is tested instead (and then inverted). Prefix matches look at the path as sent; exact, regex and path-separated prefix
 * matches at the path without its query. `caseSensitive: false` applies to every path kind but
 * regex, as in Envoy.
 */
export function createRouteMatcher(match: RouteMatch): RouteMatcher {
  const path = createPathMatcher(match.path, match.caseSensitive);
  const checks: Check[] = [...match.headers.map(createHeaderCheck), ...match.queryParameters.map(createQueryCheck)];
  const ppm = match.runtimeFractionPpm;
  if (checks.length === 0 && ppm === undefined) return path;
  return (head, pathEnd, sample) => {
    if (ppm !== undefined && !(sample * 1_000_000 < ppm)) return false;
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(head)) return false;
    return path(head, pathEnd, sample);
  };
}

function createPathMatcher(match: PathMatch, caseSensitive: boolean): RouteMatcher {
  const value = caseSensitive ? match.value : match.value.toLowerCase();
  const len = value.length;
  const fold = (head: RequestHead, end: number): string => head.path.slice(0, end).toLowerCase();
  switch (match.kind) {
    case 'prefix':
      return caseSensitive
        ? (head) => head.path.startsWith(value)
        : (head) => head.path.length >= len && head.path.slice(0, len).toLowerCase() === value;
    case 'path':
      return caseSensitive ? (head, end) => end === len && head.path.startsWith(value) : (head, end) => end === len && fold(head, end) === value;
    case 'path_separated_prefix':
      return (head, end) => {
        if (end < len) return false;
        if (end > len && head.path.charCodeAt(len) !== 47 /* / */) return false;
        return caseSensitive ? head.path.startsWith(value) : fold(head, len) === value;
      };
    case 'regex': {
      const re = compileRe2(match.value);
      return (head, end) => re.testExact(end === head.path.length ? head.path : head.path.slice(0, end));
    }
  }
}

function createHeaderCheck(h: HeaderMatch): Check {
  const name = h.name.toLowerCase();
  const invert = h.invert;
  if (h.match.kind === 'present') return (head) => (headerValueForMatch(head, name) !== undefined) !== invert;
  const test = createStringMatcher(h.match);
  // Envoy: a missing header matches no string matcher, inverted or not, unless it counts as ''.
  const missing = h.treatMissingAsEmpty === true ? test('') !== invert : false;
  return (head) => {
    const value = headerValueForMatch(head, name);
    return value === undefined ? missing : test(value) !== invert;
  };
}

function createQueryCheck(q: QueryParameterMatch): Check {
  const name = q.name;
  if (q.match.kind === 'present') return (head) => queryParameter(head.path, name) !== undefined;
  const test = createStringMatcher(q.match);
  return (head) => {
    const value = queryParameter(head.path, name);
    return value !== undefined && test(value);
  };
}
