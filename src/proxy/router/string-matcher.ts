// Envoy's StringMatcher as a predicate: exact, prefix, suffix and contains (optionally ignoring
// ASCII case) and RE2 full match, compiled once when the config arrives.
import type { StringMatch } from '../config/route.js';
import { compileRe2 } from './re2-compile.js';

/** Tells whether a value satisfies a string condition. */
export type StringMatcher = (value: string) => boolean;

/**
 * Builds the predicate for `match`. A `regex` must match the whole value, as Envoy's safe_regex
 * does; with `ignoreCase` the value and the pattern are compared lowercased.
 */
export function createStringMatcher(match: StringMatch): StringMatcher {
  if (match.kind === 'regex') {
    const re = compileRe2(match.value);
    return (value) => re.testExact(value);
  }
  const ignoreCase = match.ignoreCase;
  const expected = ignoreCase ? match.value.toLowerCase() : match.value;
  switch (match.kind) {
    case 'exact':
      return ignoreCase ? (v) => v.length === expected.length && v.toLowerCase() === expected : (v) => v === expected;
    case 'prefix':
      return ignoreCase ? (v) => v.length >= expected.length && v.slice(0, expected.length).toLowerCase() === expected : (v) => v.startsWith(expected);
    case 'suffix':
      return ignoreCase ? (v) => v.length >= expected.length && v.slice(v.length - expected.length).toLowerCase() === expected : (v) => v.endsWith(expected);
    case 'contains':
      return ignoreCase ? (v) => v.toLowerCase().includes(expected) : (v) => v.includes(expected);
  }
}
