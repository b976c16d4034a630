// Envoy's StringMatcher and RegexMatcher as the runtime StringMatch, with RE2 regexes checked up front.
import { RE2JS } from 're2js';
import type { StringMatcher__Output } from '../../xds/generated/envoy/type/matcher/v3/StringMatcher.js';
import type { RegexMatcher__Output } from '../../xds/generated/envoy/type/matcher/v3/RegexMatcher.js';
import type { StringMatch } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';

/** True when `pattern` compiles as RE2; otherwise records why at `path` and returns false. */
export function checkRe2(pattern: string, errors: DecodeErrors, path: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch (err) {
    errors.add(path, `invalid RE2 regex ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    return false;
  }
}

/** The RE2 pattern of a RegexMatcher, checked; undefined (and an error) when absent or invalid. */
export function decodeRegexMatcher(m: RegexMatcher__Output | null | undefined, errors: DecodeErrors, path: string): string | undefined {
  if (!m) {
    errors.add(path, 'regex matcher missing');
    return undefined;
  }
  return checkRe2(m.regex, errors, `${path}.regex`) ? m.regex : undefined;
}

/** A StringMatcher as a StringMatch; undefined (and an error at `path`) when it is empty, custom or invalid. */
export function decodeStringMatcher(m: StringMatcher__Output | null | undefined, errors: DecodeErrors, path: string): StringMatch | undefined {
  if (!m) {
    errors.add(path, 'string matcher missing');
    return undefined;
  }
  const ignoreCase = m.ignore_case;
  switch (m.match_pattern) {
    case 'exact':
      return { kind: 'exact', value: m.exact ?? '', ignoreCase };
    case 'prefix':
      return { kind: 'prefix', value: m.prefix ?? '', ignoreCase };
    case 'suffix':
      return { kind: 'suffix', value: m.suffix ?? '', ignoreCase };
    case 'contains':
      return { kind: 'contains', value: m.contains ?? '', ignoreCase };
    case 'safe_regex': {
      const value = decodeRegexMatcher(m.safe_regex, errors, `${path}.safe_regex`);
      return value === undefined ? undefined : { kind: 'regex', value };
    }
    case 'custom':
      errors.add(`${path}.custom`, 'custom string matchers are not supported');
      return undefined;
    default:
      errors.add(path, 'no match_pattern set');
      return undefined;
  }
}
