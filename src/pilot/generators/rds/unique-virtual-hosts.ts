// Virtual hosts from their wrappers (the services and plain hosts that share routes), each domain
// given to one virtual host only. A service's virtual host is kept across pushes while its routes
// list, its domains and their claim are the same, so an unchanged one is neither built nor
// encoded again (see virtual-host-encoding.ts).
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import type { Service } from '../../model/service.js';
import type { RouteContext } from './route-context.js';
import { domainWithPort, serviceDomains, serviceVirtualHostName, type ServiceDomains } from './virtual-host-domains.js';

/** Virtual hosts before domains are worked out: the services and plain hosts that share routes. */
export interface VirtualHostWrapper {
  readonly services: readonly Service[];
  readonly hosts: readonly string[];
  readonly routes: Route[];
}

/** A service's virtual host with all of its domains, frozen, by routes list and name. */
const wholeHosts = new WeakMap<readonly Route[], Map<string, { readonly domains: ServiceDomains; readonly vhost: VirtualHost }>>();

/**
 * The frozen virtual host `name` over `routes` with every domain of `domains`: the same object
 * while the routes list, name and (cached, frozen) domains are the same ones.
 */
export function wholeServiceHost(name: string, routes: Route[], domains: ServiceDomains): VirtualHost {
  let byName = wholeHosts.get(routes);
  if (!byName) wholeHosts.set(routes, (byName = new Map()));
  const known = byName.get(name);
  if (known?.domains === domains) return known.vhost;
  const vhost: VirtualHost = Object.freeze({ name, domains: domains.domains as string[], routes, include_request_attempt_count: true });
  byName.set(name, { domains, vhost });
  return vhost;
}

/**
 * The virtual hosts of `wrappers`, sorted by name. A name is used once, and a domain (compared
 * lowercased) by the first virtual host to claim it; a short form of a service name is dropped
 * where it is itself the name of a service here. A virtual host left with no domain is dropped.
 * A service's virtual host that keeps all its domains is the frozen object of
 * {@link wholeServiceHost}; the others are new objects.
 */
export function buildUniqueVirtualHosts(wrappers: readonly VirtualHostWrapper[], ctx: RouteContext): VirtualHost[] {
  const port = ctx.listenerPort;
  const grpc = ctx.flavor === 'grpc';
  const names = new Set<string>();
  const used = new Set<string>();
  const knownFqdns = new Set<string>();
  for (const w of wrappers) {
    for (const s of w.services) knownFqdns.add(s.hostname).add(serviceVirtualHostName(s, port));
  }
  const out: VirtualHost[] = [];
  const add = (name: string, routes: Route[], domains: readonly string[], keys: readonly string[], altHosts: readonly string[], whole?: ServiceDomains): void => {
    if (names.has(name)) return;
    names.add(name);
    if (domains.length === 0) return;
    // The domains kept, copied only once one is dropped: most virtual hosts keep all of theirs.
    let unique: string[] | undefined;
    for (let i = 0; i < domains.length; i++) {
      const domain = domains[i]!;
      const key = keys[i]!;
      if (used.has(key) || (altHosts.includes(domain) && knownFqdns.has(domain))) {
        unique ??= domains.slice(0, i);
        continue;
      }
      used.add(key);
      unique?.push(domain);
    }
    if (!unique && whole) out.push(wholeServiceHost(name, routes, whole));
    else if (!unique) out.push({ name, domains: [...domains], routes, include_request_attempt_count: true });
    else if (unique.length > 0) out.push({ name, domains: unique, routes, include_request_attempt_count: true });
  };
  for (const w of wrappers) {
    for (const h of w.hosts) {
      const domains = grpc ? [h, domainWithPort(h, port)] : [h];
      add(domainWithPort(h, port), w.routes, domains, domains.map((d) => d.toLowerCase()), []);
    }
    for (const s of w.services) {
      const sd = serviceDomains(s, ctx.proxy, grpc ? port : undefined);
      add(serviceVirtualHostName(s, port), w.routes, sd.domains, sd.keys, sd.altHosts, sd);
    }
  }
  return out.sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : 0));
}
