// Finds every JWT a request carries in a provider's locations: headers (every value), query
// parameters (every occurrence) and cookies (every one of the name).
import type { JwtHeaderSource } from '../../config/policy.js';
import type { RequestHead } from '../../http/message.js';
import { queryParameter } from '../../router/request-attributes.js';

/** A token found in a request, and where: a header (removable), a query parameter or a cookie. */
export interface JwtToken {
  readonly value: string;
  readonly header?: string;
}

/** Where a provider looks for tokens. */
export interface JwtTokenLocations {
  readonly headers: readonly JwtHeaderSource[];
  readonly params: readonly string[];
  readonly cookies: readonly string[];
}

/** Every value of query parameter `name`, decoded, in order; empty values are left out. */
function queryParameterValues(path: string, name: string): string[] {
  const q = path.indexOf('?');
  if (q < 0) return [];
  const hash = path.indexOf('#', q);
  const out: string[] = [];
  for (const pair of path.slice(q + 1, hash < 0 ? path.length : hash).split('&')) {
    // One pair at a time through the router's decoder, so both read parameters alike.
    const value = queryParameter(`?${pair}`, name);
    if (value) out.push(value);
  }
  return out;
}

function cookieValues(cookies: string, name: string): string[] {
  const out: string[] = [];
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      if (value) out.push(value);
    }
  }
  return out;
}

/**
 * Every token in `locations`, in order: headers, then query parameters, then cookies. A header
 * value without the location's prefix (compared case-insensitively, as Envoy does) is not a
 * token. Each is returned, so a caller that verifies them all lets no unverified token through.
 */
export function extractJwtTokens(head: RequestHead, locations: JwtTokenLocations): JwtToken[] {
  const out: JwtToken[] = [];
  for (const h of locations.headers) {
    for (const value of head.headers.getAll(h.name)) {
      const prefix = h.valuePrefix;
      if (prefix === '') {
        if (value.trim()) out.push({ value: value.trim(), header: h.name });
      } else if (value.length > prefix.length && value.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()) {
        out.push({ value: value.slice(prefix.length).trim(), header: h.name });
      }
    }
  }
  for (const p of locations.params) for (const value of queryParameterValues(head.path, p)) out.push({ value });
  if (locations.cookies.length > 0) {
    const cookies = head.headers.getAll('cookie').join(';');
    for (const name of locations.cookies) for (const value of cookieValues(cookies, name)) out.push({ value });
  }
  return out;
}
