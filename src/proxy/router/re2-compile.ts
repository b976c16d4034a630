// Compiles RE2 patterns from the route configuration with re2js, never with JS RegExp, so that a
// pattern from xDS runs in linear time and means what it means in Envoy.
import { RE2JS } from 're2js';

/** A compiled RE2 pattern. */
export type Re2 = RE2JS;

/**
 * Compiles `pattern` as RE2. Throws the re2js syntax error on a bad pattern: decoders should have
 * rejected it already with {@link checkRe2Pattern}, so a throw here is a bug.
 */
export function compileRe2(pattern: string, ignoreCase = false): Re2 {
  return RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
}

/** Why `pattern` is not valid RE2, or undefined when it is; for decoders that NACK bad config. */
export function checkRe2Pattern(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
