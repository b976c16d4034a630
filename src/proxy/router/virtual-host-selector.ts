// Picks the virtual host for a request's authority the way Envoy's route matcher does: exact
// domain, then the longest suffix wildcard, then the longest prefix wildcard, then `*`.
import type { VirtualHost } from '../config/route.js';

/** Finds the virtual host that serves an authority. */
export interface VirtualHostSelector {
  /** The virtual host for `authority` (Host or :authority as sent), or undefined when none serves it. */
  select(authority: string): VirtualHost | undefined;
}

/** Wildcard domains of one length, by their fixed part. */
interface WildcardTier {
  readonly length: number;
  readonly hosts: Map<string, VirtualHost>;
}

/**
 * Builds a selector over `virtualHosts`, precomputing its lookup maps. With
 * `ignorePortInHostMatching` the port is stripped before matching. Without it the authority is
 * tried with its port first and, when nothing but `*` would serve it, again without the port, so
 * that domains listed without a port still serve `host:port`. The first virtual host that lists a
 * domain keeps it.
 */
export function createVirtualHostSelector(virtualHosts: readonly VirtualHost[], ignorePortInHostMatching: boolean): VirtualHostSelector {
  const exact = new Map<string, VirtualHost>();
  const suffixes = new Map<number, Map<string, VirtualHost>>();
  const prefixes = new Map<number, Map<string, VirtualHost>>();
  let fallback: VirtualHost | undefined;
  for (const vh of virtualHosts) {
    for (const raw of vh.domains) {
      const domain = raw.toLowerCase();
      if (domain === '*') fallback ??= vh;
      else if (domain.startsWith('*')) addWildcard(suffixes, domain.slice(1), vh);
      else if (domain.endsWith('*')) addWildcard(prefixes, domain.slice(0, -1), vh);
      else if (!exact.has(domain)) exact.set(domain, vh);
    }
  }
  const suffixTiers = toTiers(suffixes);
  const prefixTiers = toTiers(prefixes);

  const lookup = (host: string): VirtualHost | undefined => {
    const hit = exact.get(host);
    if (hit !== undefined) return hit;
    for (const tier of suffixTiers) {
      // A wildcard stands for at least one character.
      if (tier.length >= host.length) continue;
      const vh = tier.hosts.get(host.slice(host.length - tier.length));
      if (vh !== undefined) return vh;
    }
    for (const tier of prefixTiers) {
      if (tier.length >= host.length) continue;
      const vh = tier.hosts.get(host.slice(0, tier.length));
      if (vh !== undefined) return vh;
    }
    return undefined;
  };

  return {
    select(authority: string): VirtualHost | undefined {
      const portStart = findPortStart(authority);
      if (ignorePortInHostMatching || portStart < 0) {
        const host = portStart < 0 ? authority : authority.slice(0, portStart);
        return lookup(host.toLowerCase()) ?? fallback;
      }
      const withPort = authority.toLowerCase();
      return lookup(withPort) ?? lookup(withPort.slice(0, portStart)) ?? fallback;
    },
  };
}

function addWildcard(tiers: Map<number, Map<string, VirtualHost>>, fixed: string, vh: VirtualHost): void {
  let tier = tiers.get(fixed.length);
  if (tier === undefined) tiers.set(fixed.length, (tier = new Map()));
  if (!tier.has(fixed)) tier.set(fixed, vh);
}

function toTiers(byLength: Map<number, Map<string, VirtualHost>>): WildcardTier[] {
  return [...byLength].map(([length, hosts]) => ({ length, hosts })).sort((a, b) => b.length - a.length);
}

/** Where the `:port` of an authority starts, or -1; a bracketed IPv6 literal's colons are not a port. */
export function findPortStart(authority: string): number {
  const colon = authority.lastIndexOf(':');
  if (colon < 0) return -1;
  const bracket = authority.lastIndexOf(']');
  if (bracket > colon) return -1;
  // An unbracketed IPv6 literal has no port.
  if (bracket < 0 && authority.indexOf(':') !== colon) return -1;
  return colon;
}
