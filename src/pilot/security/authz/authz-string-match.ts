// Istio's authorization value syntax (`exact`, `prefix*`, `*suffix`, `*`) as Envoy matchers.
import type { HeaderMatcher } from '../../../xds/generated/envoy/config/route/v3/HeaderMatcher.js';
import type { StringMatcher } from '../../../xds/generated/envoy/type/matcher/v3/StringMatcher.js';
import { re2 } from '../../generators/rds/string-match.js';

/** `text` with every RE2 metacharacter escaped, so a regex matches it literally. */
export function quoteRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** A safe_regex string matcher. */
export function regexMatcher(regex: string): StringMatcher {
  return { safe_regex: re2(regex) };
}

/**
 * `value` as a string matcher, with `prefix` put in front of what it matches: `*` matches any
 * non-empty string (regex `.+`); `abc*` is a prefix match; `*abc` a suffix match (a regex when a
 * prefix is given, since the prefix must still lead); anything else an exact match.
 */
export function authzStringMatcher(value: string, prefix = ''): StringMatcher {
  if (value === '*') return regexMatcher('.+');
  if (value.startsWith('*')) {
    const suffix = value.slice(1);
    return prefix === '' ? { suffix } : regexMatcher(`${quoteRegex(prefix)}.*${quoteRegex(suffix)}`);
  }
  if (value.endsWith('*')) return { prefix: prefix + value.slice(0, -1) };
  return { exact: prefix + value };
}

/**
 * A path value as a string matcher. Istio's path templates become a regex: `{*}` matches one
 * path segment and `{**}` any number of them (it may only come last); other values follow
 * authzStringMatcher. Matching a template literally would let every real path through a DENY.
 */
export function authzPathMatcher(value: string): StringMatcher {
  if (!value.includes('{*}') && !value.includes('{**}')) return authzStringMatcher(value);
  const regex = value
    .split(/(\{\*\*\}|\{\*\})/)
    .map((part) => (part === '{**}' ? '.*' : part === '{*}' ? '[^/]+' : quoteRegex(part)))
    .join('');
  return regexMatcher(regex);
}

/** A header matcher for `name` and an Istio value: `*` means present, otherwise exact, prefix or suffix. */
export function authzHeaderMatcher(name: string, value: string): HeaderMatcher {
  if (value === '*') return { name, present_match: true };
  if (value.startsWith('*')) return { name, string_match: { suffix: value.slice(1) } };
  if (value.endsWith('*')) return { name, string_match: { prefix: value.slice(0, -1) } };
  return { name, string_match: { exact: value } };
}

/**
 * Header matchers for the `:authority` of a host value, case-insensitive, that also match the
 * host with a port (`example.com:8080`); any one of them matching is a match.
 */
export function authzHostMatchers(host: string): HeaderMatcher[] {
  const name = ':authority';
  if (host === '*') return [{ name, present_match: true }];
  if (host.endsWith('*')) return [{ name, string_match: { prefix: host.slice(0, -1), ignore_case: true } }];
  if (host.startsWith('*')) {
    const suffix = host.slice(1);
    return [
      { name, string_match: { suffix, ignore_case: true } },
      { name, string_match: regexMatcher(`(?i).*${quoteRegex(suffix)}:[0-9]+`) },
    ];
  }
  return [
    { name, string_match: { exact: host, ignore_case: true } },
    { name, string_match: { prefix: `${host}:`, ignore_case: true } },
  ];
}
