// Host names as Istio resolves them: short names, namespaces, the cluster domain and wildcards.
import { isIP } from 'node:net';

/** The DNS domain of the cluster, which Istio appends to short names. */
export const CLUSTER_DOMAIN = 'cluster.local';

const SERVICE_SUFFIX = `.svc.${CLUSTER_DOMAIN}`;

/** True when `host` starts with a wildcard label (`*` or `*.example.com`). */
export function isWildcardHost(host: string): boolean {
  return host === '*' || host.startsWith('*.');
}

/**
 * The fully qualified name of `host` as written in a resource of `namespace`, by Istio's rule: a
 * name without dots is a service of that namespace (`reviews` in `default` is
 * `reviews.default.svc.cluster.local`), and `name.ns.svc` gets the cluster domain. Wildcards, IP
 * addresses and other names with dots are kept as they are. Names are lowercased.
 */
export function resolveHost(host: string, namespace: string): string {
  const h = host.toLowerCase();
  if (h === '' || isWildcardHost(h) || isIP(h) !== 0) return h;
  if (!h.includes('.')) return `${h}.${namespace}${SERVICE_SUFFIX}`;
  if (h.endsWith('.svc') && h.split('.').length === 3) return `${h}.${CLUSTER_DOMAIN}`;
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/**
 * Every name `host` may stand for, most likely first. Besides {@link resolveHost}'s answer, a
 * two-label name such as `reviews.default` may be `service.namespace`, as Kubernetes DNS resolves
 * it; and `reviews.default.svc.cluster.local`. Use this when looking a host up, so that either
 * reading finds the service.
 */
export function hostAliases(host: string, namespace: string): string[] {
  const resolved = resolveHost(host, namespace);
  if (isWildcardHost(resolved) || isIP(resolved) !== 0) return [resolved];
  const labels = resolved.split('.');
  return labels.length === 2 ? [resolved, `${resolved}${SERVICE_SUFFIX}`] : [resolved];
}

/**
 * True when `pattern` covers `host`: they are equal, or `pattern` is a wildcard whose suffix
 * `host` ends with (`*.example.com` covers `a.example.com` and `*.a.example.com`; `*` covers
 * everything). Both names should be resolved first.
 */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (!pattern.startsWith('*.')) return false;
  const suffix = pattern.slice(1); // ".example.com"
  if (host.startsWith('*.')) return host.slice(1).endsWith(suffix) && host.length > pattern.length;
  return host.endsWith(suffix) && host.length > suffix.length;
}

/** True when two resolved hosts may name the same traffic: either covers the other. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/**
 * The namespace of a Kubernetes-style service name (`reviews.prod.svc.cluster.local` is in
 * `prod`), or undefined for any other name.
 */
export function namespaceOfHost(fqdn: string): string | undefined {
  if (!fqdn.endsWith(SERVICE_SUFFIX)) return undefined;
  const labels = fqdn.slice(0, -SERVICE_SUFFIX.length).split('.');
  return labels.length === 2 && labels[0] !== '*' ? labels[1] : undefined;
}
