// Computes a request's hash from the route's hash policies, for RING_HASH and MAGLEV clusters.
import type { HashPolicy } from '../config/route.js';
import type { RequestHead } from '../http/message.js';
import { combineHashes, hashString } from './hash.js';

/**
 * A cookie the proxy must add to the response because a cookie hash policy with a TTL found none
 * on the request (Envoy's generated session affinity cookie). Filled in by `computeRequestHash`.
 */
export interface GeneratedCookie {
  generated: boolean;
  name: string;
  value: string;
  /** 0 means a session cookie (no Max-Age). */
  ttlMs: number;
  path: string | undefined;
}

/** An empty holder to pass to `computeRequestHash`; reusable once its cookie has been applied. */
export function createGeneratedCookie(): GeneratedCookie {
  return { generated: false, name: '', value: '', ttlMs: 0, path: undefined };
}

/** The `set-cookie` value for a generated cookie. */
export function formatGeneratedCookie(cookie: GeneratedCookie): string {
  let out = `${cookie.name}="${cookie.value}"`;
  if (cookie.ttlMs > 0) out += `; Max-Age=${Math.floor(cookie.ttlMs / 1000)}`;
  if (cookie.path) out += `; Path=${cookie.path}`;
  return out + '; HttpOnly';
}

/**
 * The request hash for `policies`, or undefined when none produced one. Policies are applied in
 * order; each new hash is combined with the previous ones (rotate left by one, xor), and a
 * `terminal` policy stops evaluation once a hash exists. A header policy hashes all values of the
 * header (sorted, so order does not matter); `source_ip` hashes `sourceAddress` (IP only). A cookie
 * policy with a TTL and no such cookie generates a value from the source address and reports it
 * in `cookieOut`, so the router can set it on the response.
 */
export function computeRequestHash(
  policies: readonly HashPolicy[],
  head: RequestHead,
  sourceAddress: string,
  cookieOut?: GeneratedCookie,
): number | undefined {
  let hash: number | undefined;
  for (let i = 0; i < policies.length; i++) {
    const policy = policies[i]!;
    const next = policyHash(policy, head, sourceAddress, cookieOut);
    if (next !== undefined) hash = hash === undefined ? next : combineHashes(hash, next);
    if (policy.terminal && hash !== undefined) break;
  }
  return hash;
}

function policyHash(policy: HashPolicy, head: RequestHead, source: string, cookieOut?: GeneratedCookie): number | undefined {
  switch (policy.kind) {
    case 'header':
      return headerHash(policy.name, head);
    case 'source_ip':
      return source === '' ? undefined : hashString(source);
    case 'query_parameter': {
      const value = queryParameter(head.path, policy.name);
      return value === undefined ? undefined : hashString(value);
    }
    case 'cookie': {
      const value = cookieValue(head, policy.name);
      if (value !== undefined) return hashString(value);
      if (policy.cookieTtlMs === undefined || source === '') return undefined;
      const generated = hashString(source).toString(16).padStart(14, '0');
      if (cookieOut) {
        cookieOut.generated = true;
        cookieOut.name = policy.name;
        cookieOut.value = generated;
        cookieOut.ttlMs = policy.cookieTtlMs;
        cookieOut.path = policy.cookiePath;
      }
      return hashString(generated);
    }
  }
}

function headerHash(name: string, head: RequestHead): number | undefined {
  const lower = name.toLowerCase();
  if (lower === ':authority' || lower === 'host') return hashString(head.authority);
  if (lower === ':path') return hashString(head.path);
  if (lower === ':method') return hashString(head.method);
  const values = head.headers.getAll(lower);
  if (values.length === 0) return undefined;
  if (values.length === 1) return hashString(values[0]!);
  return hashString(values.sort().join('\0'));
}

/** The first value of query parameter `name` in `path`, undecoded, as Envoy reads it. */
export function queryParameter(path: string, name: string): string | undefined {
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  const end = path.indexOf('#', q);
  const query = path.slice(q + 1, end < 0 ? undefined : end);
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key === name) return eq < 0 ? '' : part.slice(eq + 1);
  }
  return undefined;
}

/** The value of cookie `name` across all `cookie` headers, without surrounding quotes. */
export function cookieValue(head: RequestHead, name: string): string | undefined {
  const headers = head.headers.getAll('cookie');
  for (const header of headers) {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
      const value = pair.slice(eq + 1).trim();
      return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
  }
  return undefined;
}
