// The services a host can name: ServiceEntry hosts, and services known from outside the config.
import type { ConfigEntry, ConfigSnapshot } from '../snapshot.js';
import { hostAliases, hostCovers, hostsOverlap, isWildcardHost, resolveHost } from '../../api/hosts.js';

/** A service that a host resolved to. */
export type ServiceMatch =
  /** A host of a ServiceEntry (`host` is resolved in the ServiceEntry's namespace). */
  | { readonly kind: 'ServiceEntry'; readonly host: string; readonly entry: ConfigEntry<'ServiceEntry'> }
  /** A service known outside the config; nothing is known of its ports or workloads. */
  | { readonly kind: 'known'; readonly host: string };

/** Looks hosts up among the services of the mesh. `exportTo` is not taken into account. */
export interface ServiceRegistry {
  /**
   * The services that `host`, written in a resource of `namespace`, may name: an exact host
   * first, then wildcard hosts that cover it. A wildcard `host` matches the services it overlaps.
   */
  lookup(host: string, namespace: string): ServiceMatch[];
}

interface ServiceHost {
  readonly host: string;
  readonly match: ServiceMatch;
}

/**
 * Builds the registry from the snapshot's ServiceEntries and `known` hosts. A known host is an
 * FQDN (`reviews.prod.svc.cluster.local`, `api.example.com`), `name.namespace`, or a short name,
 * which stands for that service in every namespace, since the namespace is not known.
 */
export function createServiceRegistry(snapshot: ConfigSnapshot, known: Iterable<string> = []): ServiceRegistry {
  const exact = new Map<string, ServiceMatch[]>();
  const wildcards: ServiceHost[] = [];
  const knownShortNames = new Set<string>();

  const add = (host: string, match: ServiceMatch): void => {
    if (isWildcardHost(host)) {
      wildcards.push({ host, match });
      return;
    }
    let list = exact.get(host);
    if (!list) exact.set(host, (list = []));
    list.push(match);
  };

  for (const entry of snapshot.of('ServiceEntry')) {
    for (const h of entry.resource.spec.hosts ?? []) {
      const host = resolveHost(h, entry.resource.metadata.namespace);
      add(host, { kind: 'ServiceEntry', host, entry });
    }
  }
  for (const k of known) {
    const name = k.trim().toLowerCase();
    if (name === '') continue;
    if (!name.includes('.')) {
      knownShortNames.add(name);
      continue;
    }
    // `name.namespace` is read both as written and as a Kubernetes service.
    for (const host of hostAliases(name, '')) add(host, { kind: 'known', host });
  }

  return {
    lookup(host, namespace) {
      const out: ServiceMatch[] = [];
      const aliases = hostAliases(host, namespace);
      const raw = host.toLowerCase();
      for (const alias of aliases) {
        if (isWildcardHost(alias)) {
          for (const [h, matches] of exact) if (hostCovers(alias, h)) out.push(...matches);
          for (const w of wildcards) if (hostsOverlap(alias, w.host)) out.push(w.match);
          continue;
        }
        out.push(...(exact.get(alias) ?? []));
        for (const w of wildcards) if (hostCovers(w.host, alias)) out.push(w.match);
      }
      const shortName = raw.includes('.') ? aliases.find((a) => a.endsWith('.svc.cluster.local'))?.split('.')[0] : raw;
      if (shortName !== undefined && knownShortNames.has(shortName)) out.push({ kind: 'known', host: aliases[0]! });
      return out;
    },
  };
}
