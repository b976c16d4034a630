// The hosts a VirtualService routes, resolved as Istio resolves them, and which VirtualService
// claims each service when several could.
import { hostCovers, isWildcardHost, resolveHost } from '../../../api/index.js';
import type { VirtualService } from '../../model/push-context.js';
import { asVirtualServiceView } from './virtual-service-view.js';

/** Resolved hosts per frozen VirtualService (Galley's snapshot objects), which cannot change under them. */
const resolvedHosts = new WeakMap<VirtualService, readonly string[]>();

/**
 * The VirtualService's hosts, fully qualified in its namespace (`reviews` →
 * `reviews.default.svc.cluster.local`). Resolved once per frozen VirtualService, and then the same
 * frozen array is returned: every route and listener generator asks for them, every push.
 */
export function virtualServiceHosts(vs: VirtualService): readonly string[] {
  const known = resolvedHosts.get(vs);
  if (known) return known;
  const hosts = Object.freeze((asVirtualServiceView(vs.spec).hosts ?? []).map((h) => resolveHost(h, vs.metadata.namespace)));
  if (Object.isFrozen(vs) && Object.isFrozen(vs.spec) && Object.isFrozen(vs.metadata)) resolvedHosts.set(vs, hosts);
  return hosts;
}

/**
 * For each service host, the index of the VirtualService that routes it: the first one naming it
 * exactly, else the one with the most specific wildcard covering it (the first on a tie).
 */
export function claimServices(virtualServices: readonly VirtualService[], serviceHosts: Iterable<string>): Map<string, number> {
  const exact = new Map<string, number>();
  const wildcards: { host: string; index: number }[] = [];
  virtualServices.forEach((vs, index) => {
    for (const host of virtualServiceHosts(vs)) {
      if (isWildcardHost(host)) wildcards.push({ host, index });
      else if (!exact.has(host)) exact.set(host, index);
    }
  });
  // Most specific (longest) first; the sort is stable, so the first VirtualService wins a tie.
  wildcards.sort((a, b) => b.host.length - a.host.length);
  const claims = new Map<string, number>();
  for (const service of serviceHosts) {
    const index = exact.get(service) ?? wildcards.find((w) => hostCovers(w.host, service))?.index;
    if (index !== undefined) claims.set(service, index);
  }
  return claims;
}
