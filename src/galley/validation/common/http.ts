// HTTP pieces: header names, status codes, RE2 regexes, percentages.
import { RE2JS } from 're2js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/;

/** A reason `name` is not a valid HTTP header name, or undefined. Pseudo-headers (`:authority`) pass. */
export function checkHeaderName(name: string, opts: { lowercase?: boolean } = {}): string | undefined {
  if (name.length === 0) return 'header name must not be empty';
  const bare = name.startsWith(':') ? name.slice(1) : name;
  if (!TOKEN.test(bare)) return `"${name}" is not a valid HTTP header name`;
  if (opts.lowercase && name !== name.toLowerCase()) return `header name "${name}" must be lowercase`;
  return undefined;
}

/** A reason `code` is not an HTTP status Istio accepts (200–599), or undefined. */
export function checkHttpStatus(code: unknown, opts: { min?: number } = {}): string | undefined {
  const min = opts.min ?? 200;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < min || code > 599) {
    return `HTTP status must be between ${min} and 599, got ${JSON.stringify(code)}`;
  }
  return undefined;
}

/** A reason `pattern` is not an RE2 regex that compiles, or undefined. */
export function checkRegex(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return `invalid RE2 regex "${pattern}": ${(err as Error).message}`;
  }
}

/** A reason `value` is not a percentage between 0 and 100, or undefined. */
export function checkPercentage(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    return `percentage must be between 0 and 100, got ${JSON.stringify(value)}`;
  }
  return undefined;
}
