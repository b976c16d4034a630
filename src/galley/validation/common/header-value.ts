// Header values as Envoy's header formatter parses them: literal text, `%%` and `%VAR%` or `%VAR(args)%`.

/** True for the control characters a header value may not hold (tab is allowed). */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/**
 * A reason `value` is not a header value Envoy accepts for custom request and response headers, or
 * undefined. Control characters are refused, and each `%` must be escaped as `%%` or open a
 * `%VARIABLE%` expression that is closed.
 */
export function checkHeaderValue(value: string): string | undefined {
  if (hasControlCharacter(value)) return `header value ${JSON.stringify(value)} has a control character`;
  let i = 0;
  while (i < value.length) {
    if (value[i] !== '%') {
      i++;
      continue;
    }
    if (value[i + 1] === '%') {
      i += 2;
      continue;
    }
    const end = endOfVariable(value, i + 1);
    if (end < 0) {
      return `header value ${JSON.stringify(value)} has an unterminated "%" expression: write "%%" for a literal "%"`;
    }
    i = end + 1;
  }
  return undefined;
}

/** The index of the `%` that closes the variable starting at `from`, or -1. */
function endOfVariable(value: string, from: number): number {
  let i = from;
  while (i < value.length && value[i] !== '%' && value[i] !== '(') i++;
  if (i >= value.length) return -1;
  if (value[i] === '%') return i;
  // %VAR(args)%: the arguments may hold quoted strings with escapes and '%'.
  let quoted = false;
  for (i++; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ')') break;
  }
  if (i >= value.length) return -1;
  for (i++; i < value.length && value[i] === ' '; i++);
  return value[i] === '%' ? i : -1;
}
