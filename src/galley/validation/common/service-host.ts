// Service host names as routes and traffic policies name them: validity, overlap and containment.
import { checkWildcardDomain } from './host.js';

/**
 * A reason `host` is not a valid service host, or undefined: a wildcard domain (`*`, `*.foo.com`),
 * an FQDN or a short name, whose last label is not all digits (so an IP address is refused).
 */
export function checkServiceHost(host: string): string | undefined {
  const bad = checkWildcardDomain(host);
  if (bad) return bad;
  const trimmed = host.endsWith('.') ? host.slice(0, -1) : host;
  const last = trimmed.slice(trimmed.lastIndexOf('.') + 1);
  if (/^\d+$/.test(last)) return `"${host}" is not a valid host name: the last label "${last}" must not be all digits`;
  return undefined;
}

/** True when some name matches both hosts: `*.foo.com` and `a.foo.com`, or `*.com` and `*.foo.com`. */
export function hostsOverlap(a: string, b: string): boolean {
  return isHostSubsetOf(a, b) || isHostSubsetOf(b, a);
}

/** True when every name that `host` matches is also matched by `of`: `a.foo.com` is within `*.foo.com`. */
export function isHostSubsetOf(host: string, of: string): boolean {
  const h = host.toLowerCase();
  const o = of.toLowerCase();
  if (o === '*' || h === o) return true;
  if (!o.startsWith('*.')) return false;
  if (h === '*') return false;
  const suffix = o.slice(1);
  return h.endsWith(suffix);
}
