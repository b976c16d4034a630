// The value checks of AuthorizationPolicy matches: wildcard strings, IPs, ports, paths, service accounts.
import type { FieldPath } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkIpOrCidr } from './common/index.js';

/** A reason one value is invalid, or undefined. */
export type ValueCheck = (value: string) => string | undefined;

/** Path segments of Envoy's URI templates; anything else inside a template path is a literal. */
const MATCH_ONE = '{*}';
const MATCH_ANY = '{**}';
/** RFC 3986 `pchar`, which each literal segment of a URI template must consist of. */
const PCHAR = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

/**
 * Checks each value of a match list at `path`: values must not be empty (where a wildcard is
 * allowed, `*` matches anything), and each must pass `check`.
 */
export function checkMatchValues(
  values: readonly unknown[] | null | undefined,
  path: FieldPath,
  report: Reporter,
  check: ValueCheck,
): void {
  if (!Array.isArray(values)) return;
  values.forEach((value, i) => {
    if (typeof value !== 'string') return; // a schema error
    if (value === '') {
      report.error([...path, i], STAR_MATCHES.has(check) ? 'must not be empty: use "*" to match any value' : 'must not be empty');
      return;
    }
    const bad = check(value);
    if (bad) report.error([...path, i], bad);
  });
}

/**
 * A string match: exact, `prefix*`, `*suffix` or `*` alone. A `*` anywhere else is not a wildcard
 * in Istio, so such a value would only ever match itself literally.
 */
export const checkWildcardValue: ValueCheck = (value) => {
  if (value === '*' || !value.includes('*')) return undefined;
  const stars = value.split('*').length - 1;
  if (stars === 1 && (value.startsWith('*') || value.endsWith('*'))) return undefined;
  return `"${value}" is not a valid match: "*" may only be the whole value, a prefix ("*suffix") or a suffix ("prefix*")`;
};

/** An IP address or CIDR block. */
export const checkIpValue: ValueCheck = (value) => checkIpOrCidr(value);

/** A port number, written as a string. */
export const checkPortValue: ValueCheck = (value) => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    return `"${value}" is not a valid port: use a number between 1 and 65535`;
  }
  return undefined;
};

/** A service account, `name` or `namespace/name`, without wildcards. */
export const checkServiceAccountValue: ValueCheck = (value) => {
  if (value.includes('*')) return `"${value}" has a wildcard: service accounts must be matched exactly`;
  const parts = value.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    return `"${value}" must have the form "name" or "namespace/name"`;
  }
  return undefined;
};

/**
 * A request path: it starts with `/`, or with `*` for a suffix match. A path holding `{*}` or
 * `{**}` segments is an Envoy URI template; `{**}` must come after every other template operator.
 */
export const checkPathValue: ValueCheck = (value) => {
  if (!value.startsWith('/') && !value.startsWith('*')) {
    return `path "${value}" must start with "/" (or "*" for a suffix match), or it can never match`;
  }
  if (!value.includes('{') && !value.includes('}')) return checkWildcardValue(value);
  return checkPathTemplate(value);
};

function checkPathTemplate(value: string): string | undefined {
  const isTemplate = value.includes(MATCH_ONE) || value.includes(MATCH_ANY);
  let sawMatchAny = false;
  for (const segment of value.replace(/^\/+|\/+$/g, '').split('/')) {
    if (segment === MATCH_ONE || segment === MATCH_ANY) {
      if (sawMatchAny) return `path template "${value}" has an operator after "{**}", which must come last`;
      sawMatchAny = segment === MATCH_ANY;
      continue;
    }
    if (segment.includes('{') || segment.includes('}')) {
      return `path "${value}" has "{" or "}" outside a whole "{*}" or "{**}" segment`;
    }
    if (isTemplate && !PCHAR.test(segment)) {
      return `path template "${value}" has an invalid segment "${segment}": use letters, digits and -._~%!$&'()+,;:@=`;
    }
  }
  return undefined;
}

/**
 * Warns about HTTP methods that are not uppercase: methods match case-sensitively, so `get`
 * never matches a GET request.
 */
export function warnLowercaseMethods(values: readonly unknown[] | null | undefined, path: FieldPath, report: Reporter): void {
  if (!Array.isArray(values)) return;
  values.forEach((value, i) => {
    if (typeof value === 'string' && value !== value.toUpperCase()) {
      report.warning([...path, i], `methods match case-sensitively, so "${value}" will not match "${value.toUpperCase()}"`);
    }
  });
}

/** The checks whose values may be `*` to match anything. */
const STAR_MATCHES: ReadonlySet<ValueCheck> = new Set([checkWildcardValue, checkPathValue]);
