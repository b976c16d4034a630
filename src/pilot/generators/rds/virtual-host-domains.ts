// The Host header values a service answers to from one proxy: its name, the short forms DNS
// search paths allow, and its addresses; with `:port` variants where ports are matched.
import { isIP } from 'node:net';
import type { Proxy } from '../../model/proxy.js';
import type { Service } from '../../model/service.js';

/** `host:port`, with IPv6 addresses bracketed. */
export function domainWithPort(host: string, port: number): string {
  return `${ipv6Compliant(host)}:${port}`;
}

function ipv6Compliant(host: string): string {
  // Only an IPv6 address has a colon, and isIP is costly next to this test (it runs per domain, per push).
  return host.includes(':') && isIP(host) === 6 ? `[${host}]` : host;
}

/** `domain`, and `domain:port` too when `port` is given. */
function withPort(domain: string, port: number | undefined): string[] {
  return port === undefined ? [ipv6Compliant(domain)] : [ipv6Compliant(domain), domainWithPort(domain, port)];
}

/**
 * Short names of `hostname` that resolve to it from a proxy whose DNS domain is `proxyDomain`
 * (Istio's GenerateAltVirtualHosts). For Kubernetes names: `reviews`, `reviews.default.svc` and
 * `reviews.default` from the same namespace; only the last two from another. Names outside the
 * proxy's cluster domain get none.
 */
export function altHostnames(hostname: string, proxyDomain: string, port?: number): string[] {
  if (proxyDomain.includes('.svc.')) {
    const clusterSuffix = proxyDomain.slice(proxyDomain.indexOf('.svc.'));
    if (!hostname.endsWith(clusterSuffix)) return [];
    const ih = hostname.indexOf('.svc.');
    const ns = hostname.indexOf('.');
    if (ih <= 0 || ns + 1 > ih) return [];
    const name = hostname.slice(0, ns);
    const nameNs = hostname.slice(0, ih);
    if (hostname.slice(ns + 1, ih) === proxyDomain.slice(0, proxyDomain.indexOf('.svc.'))) {
      return [...withPort(name, port), ...withPort(`${nameNs}.svc`, port), ...withPort(nameNs, port)];
    }
    return [...withPort(nameNs, port), ...withPort(`${nameNs}.svc`, port)];
  }
  const host = hostname.split('.');
  const domain = proxyDomain.split('.');
  let shared = 0;
  while (shared < Math.min(host.length, domain.length) && host[host.length - 1 - shared] === domain[domain.length - 1 - shared]) shared++;
  if (shared === 0) return [];
  const unique = host.slice(0, host.length - shared);
  const out = withPort(unique.join('.'), port);
  if (unique.length === 2) out.push(...withPort(`${unique.join('.')}.${host[host.length - shared]}`, port));
  return out;
}

/** A service's domains and short forms, as {@link serviceDomains} gives them. */
export interface ServiceDomains {
  readonly domains: readonly string[];
  /** `domains` lowercased, the form in which a route configuration keeps each domain once. */
  readonly keys: readonly string[];
  readonly altHosts: readonly string[];
}

/**
 * How many proxy DNS domains (and gRPC ports) one service's domains are kept for; past that they
 * are worked out again, rather than kept without bound.
 */
const MAX_VIEWS_PER_SERVICE = 32;
/** Domains per frozen service (the registries' objects), by proxy DNS domain (and port for gRPC). */
const domainsOf = new WeakMap<Service, Map<string, ServiceDomains>>();

/**
 * The domains of a service's virtual host (Istio's generateVirtualHostDomains): the hostname,
 * its short forms, and its non-wildcard addresses. Envoy-style sidecars ignore the port in host
 * matching, so `port` is given only for proxyless gRPC, which needs `host:port` forms.
 * `altHosts` are the short forms, which lose to a service whose real name they are. The arrays
 * are frozen, and for a frozen service the same ones are returned for the same DNS domain and
 * port: a route configuration asks for every service's, every push.
 */
export function serviceDomains(service: Service, proxy: Proxy, port?: number): ServiceDomains {
  const key = port === undefined ? proxy.dnsDomain : `${proxy.dnsDomain}|${port}`;
  let byKey = domainsOf.get(service);
  const known = byKey?.get(key);
  if (known) return known;
  const altHosts = altHostnames(service.hostname, proxy.dnsDomain, port);
  const domains = [...withPort(service.hostname, port), ...altHosts];
  for (const address of service.addresses) {
    if (address.includes('/') || address === '0.0.0.0' || address === '::') continue;
    domains.push(...withPort(address, port));
  }
  const keys = domains.map((d) => d.toLowerCase());
  const result: ServiceDomains = Object.freeze({ domains: Object.freeze(domains), keys: Object.freeze(keys), altHosts: Object.freeze(altHosts) });
  if (Object.isFrozen(service) && Object.isFrozen(service.addresses)) {
    if (!byKey) domainsOf.set(service, (byKey = new Map()));
    if (byKey.size >= MAX_VIEWS_PER_SERVICE) byKey.clear();
    byKey.set(key, result);
  }
  return result;
}

/** The last virtual host name worked out per frozen service, with its port (most services have one). */
const namesOf = new WeakMap<Service, { readonly port: number; readonly name: string }>();

/** A service's virtual host name on `port` (`reviews.default.svc.cluster.local:9080`): {@link domainWithPort}, kept per frozen service. */
export function serviceVirtualHostName(service: Service, port: number): string {
  const known = namesOf.get(service);
  if (known?.port === port) return known.name;
  const name = domainWithPort(service.hostname, port);
  if (Object.isFrozen(service)) namesOf.set(service, { port, name });
  return name;
}
