// The CORS filter's logic: answer an allowed preflight locally, and add the CORS response headers
// to a request from an allowed origin; everything else passes through untouched.
import type { CorsPolicy } from '../config/route.js';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import { createStringMatcher, type StringMatcher } from '../router/string-matcher.js';

/** What the CORS filter does with one request. */
export type CorsDecision =
  /** Not a CORS request, or from an origin the policy does not allow: pass it on as it is. */
  | { readonly kind: 'pass' }
  /** An allowed preflight: answer it with `response` and do not forward it. */
  | { readonly kind: 'preflight'; readonly response: ResponseHead }
  /** An allowed actual request: forward it, then add headers with {@link applyCorsResponseHeaders}. */
  | { readonly kind: 'actual'; readonly origin: string };

const PASS: CorsDecision = Object.freeze({ kind: 'pass' });
const originMatchers = new WeakMap<CorsPolicy, readonly StringMatcher[]>();

/** The effective CORS policy: the route's, else the virtual host's. */
export function resolveCorsPolicy(route: { readonly cors?: CorsPolicy }, virtualHost: { readonly cors?: CorsPolicy }): CorsPolicy | undefined {
  return route.cors ?? virtualHost.cors;
}

/**
 * Classifies `head` under `policy`. A preflight is OPTIONS with Origin and
 * Access-Control-Request-Method; when its origin matches one of allowOrigins it is answered 200
 * with access-control-allow-origin (the request's origin), -allow-methods, -allow-headers,
 * -max-age and -allow-credentials as configured. Other requests with a matching Origin are
 * `actual`. A preflight from another origin, or any request without Origin, passes.
 */
export function evaluateCors(policy: CorsPolicy | undefined, head: RequestHead): CorsDecision {
  if (policy === undefined) return PASS;
  const origin = head.headers.get('origin');
  if (origin === undefined || origin === '' || !originAllowed(policy, origin)) return PASS;
  if (head.method !== 'OPTIONS' || !head.headers.has('access-control-request-method')) return { kind: 'actual', origin };
  const headers = new HeaderMap();
  headers.add('access-control-allow-origin', origin);
  if (policy.allowCredentials) headers.add('access-control-allow-credentials', 'true');
  if (policy.allowMethods) headers.add('access-control-allow-methods', policy.allowMethods);
  if (policy.allowHeaders) headers.add('access-control-allow-headers', policy.allowHeaders);
  if (policy.maxAge) headers.add('access-control-max-age', policy.maxAge);
  headers.add('content-length', '0');
  return { kind: 'preflight', response: { status: 200, reason: '', headers } };
}

/**
 * Adds the CORS headers of an `actual` decision to the upstream response: allow-origin set to
 * the request's origin, allow-credentials when configured, expose-headers when configured.
 */
export function applyCorsResponseHeaders(policy: CorsPolicy, origin: string, headers: HeaderMap): void {
  headers.set('access-control-allow-origin', origin);
  if (policy.allowCredentials) headers.set('access-control-allow-credentials', 'true');
  if (policy.exposeHeaders) headers.set('access-control-expose-headers', policy.exposeHeaders);
}

function originAllowed(policy: CorsPolicy, origin: string): boolean {
  let matchers = originMatchers.get(policy);
  if (matchers === undefined) originMatchers.set(policy, (matchers = policy.allowOrigins.map(createStringMatcher)));
  for (let i = 0; i < matchers.length; i++) if (matchers[i]!(origin)) return true;
  return false;
}
