// Host names as Istio validates them: FQDNs, wildcard domains, short names and IPs.
import { isIP } from 'node:net';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;

/** A reason the DNS name is invalid, or undefined when it is valid (`foo.bar`, `foo`). */
export function checkDnsName(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 255) return `"${name}" is longer than 255 characters`;
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  for (const label of trimmed.split('.')) {
    if (label.length === 0) return `"${name}" has an empty label`;
    if (label.length > 63) return `"${name}" has a label longer than 63 characters`;
    if (!DNS_LABEL.test(label)) {
      return `"${name}" is not a valid DNS name: labels use letters, digits and '-', and start and end with a letter or digit`;
    }
  }
  return undefined;
}

/**
 * A reason the host is invalid as a wildcard domain, or undefined when it is valid: `*`, `*.foo.com`,
 * `foo.com` or `foo`. The wildcard may only be the whole leftmost label.
 */
export function checkWildcardDomain(host: string): string | undefined {
  if (host === '*') return undefined;
  if (host.startsWith('*.')) return checkDnsName(host.slice(2));
  if (host.includes('*')) return `"${host}" has a wildcard that is not the whole leftmost label; use "*.example.com"`;
  return checkDnsName(host);
}

/** Like {@link checkWildcardDomain}, and IPv4 or IPv6 addresses are also accepted. */
export function checkWildcardDomainOrIp(host: string): string | undefined {
  if (isIP(host) !== 0) return undefined;
  return checkWildcardDomain(host);
}

export { isWildcardHost } from '../../../api/hosts.js';

/**
 * Checks a `namespace/host` entry as Gateway servers and Sidecar egress use it. The namespace is
 * `*`, `.` or `~`, or a DNS label; the host is a wildcard domain.
 */
export function checkNamespacedHost(entry: string): string | undefined {
  const slash = entry.indexOf('/');
  if (slash < 0) return `"${entry}" must have the form namespace/host, such as "*/foo.example.com" or "./*"`;
  const ns = entry.slice(0, slash);
  const host = entry.slice(slash + 1);
  if (ns !== '*' && ns !== '.' && ns !== '~' && !DNS1123_LABEL.test(ns)) {
    return `"${entry}" has an invalid namespace "${ns}": use "*", ".", "~" or a namespace name`;
  }
  if (host.includes('/')) return `"${entry}" has more than one "/"`;
  return checkWildcardDomain(host);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
