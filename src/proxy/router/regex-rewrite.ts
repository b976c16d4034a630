// Envoy's regex_rewrite: replace every RE2 match in a string by a substitution in which `\N`
// inserts capture group N, as RE2::GlobalReplace does. Compiled once per config object.
import { compileRe2 } from './re2-compile.js';

/** A pattern and its substitution, as in RouteAction.regexRewrite and RedirectAction.regexRewrite. */
export interface RegexRewriteSpec {
  readonly pattern: string;
  readonly substitution: string;
}

/** Rewrites a string. */
export type RegexRewriter = (input: string) => string;

const cache = new WeakMap<RegexRewriteSpec, RegexRewriter>();

/**
 * The rewriter for `spec`, compiled on first use and cached for as long as the config object
 * lives. `\0`..`\9` insert groups (a group that did not take part inserts nothing), `\\` a
 * backslash; any other character after a backslash is kept literally.
 */
export function regexRewriterFor(spec: RegexRewriteSpec): RegexRewriter {
  let rw = cache.get(spec);
  if (rw === undefined) cache.set(spec, (rw = createRegexRewriter(spec)));
  return rw;
}

/** Compiles `spec` into a rewriter; see {@link regexRewriterFor} for the substitution syntax. */
export function createRegexRewriter(spec: RegexRewriteSpec): RegexRewriter {
  const re = compileRe2(spec.pattern);
  const parts = parseSubstitution(spec.substitution);
  return (input) => {
    let out = '';
    let last = 0;
    let matched = false;
    for (const m of re.matchAll(input)) {
      matched = true;
      const at = m.index ?? 0;
      out += input.slice(last, at);
      for (const p of parts) out += typeof p === 'string' ? p : (m[p] ?? '');
      last = at + m[0].length;
    }
    return matched ? out + input.slice(last) : input;
  };
}

/** Literal pieces and group numbers, in order. */
function parseSubstitution(s: string): (string | number)[] {
  const parts: (string | number)[] = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      lit += c;
      continue;
    }
    const next = s[++i]!;
    if (next >= '0' && next <= '9') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(Number(next));
    } else lit += next;
  }
  if (lit) parts.push(lit);
  return parts;
}
