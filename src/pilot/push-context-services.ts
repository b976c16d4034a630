// The push context's index of services: by host, and by the namespaces they are exported to.
import type { Service } from './model/service.js';
import { isExportedTo } from './registry/export-to.js';
import { compareServices } from './registry/registry-view.js';

/** What one namespace sees of the services (exportTo). */
export interface VisibleServices {
  /** Every visible service, sorted by host then namespace; a host may appear once per namespace. */
  readonly all: readonly Service[];
  /** The same, by host. */
  readonly byHost: ReadonlyMap<string, readonly Service[]>;
  /** Those whose host is a wildcard. */
  readonly wildcards: readonly Service[];
  /** One per host, sorted: the one in the namespace itself when it defines the host, else the first by namespace. */
  readonly deduped: readonly Service[];
}

/** Services by host, and what each namespace sees of them. */
export interface ServiceIndex {
  /** What `namespace` sees; computed once per namespace. */
  visibleTo(namespace: string): VisibleServices;
  /** The service with this host, preferring the one in `namespace`; visibility is not checked. */
  service(hostname: string, namespace?: string): Service | undefined;
}

/** Indexes `services` (registries give them sorted by host then namespace; others are sorted here). */
export function createServiceIndex(services: readonly Service[]): ServiceIndex {
  const byHost = new Map<string, Service[]>();
  for (const s of isSorted(services) ? services : [...services].sort(compareServices)) {
    const list = byHost.get(s.hostname);
    if (list) list.push(s);
    else byHost.set(s.hostname, [s]);
  }
  const cache = new Map<string, VisibleServices>();

  function compute(namespace: string): VisibleServices {
    const all: Service[] = [];
    const visibleByHost = new Map<string, Service[]>();
    const deduped: Service[] = [];
    for (const [host, candidates] of byHost) {
      const seen = candidates.filter((s) => isExportedTo(s.exportTo, namespace));
      if (seen.length === 0) continue;
      all.push(...seen);
      visibleByHost.set(host, seen);
      deduped.push(preferNamespace(seen, namespace));
    }
    return Object.freeze({
      all: Object.freeze(all),
      byHost: visibleByHost,
      wildcards: Object.freeze(all.filter((s) => s.hostname === '*' || s.hostname.startsWith('*.'))),
      deduped: Object.freeze(deduped),
    });
  }

  return {
    visibleTo(namespace) {
      let visible = cache.get(namespace);
      if (!visible) cache.set(namespace, (visible = compute(namespace)));
      return visible;
    },
    service(hostname, namespace) {
      const list = byHost.get(hostname);
      if (!list) return undefined;
      return namespace !== undefined ? preferNamespace(list, namespace) : list[0];
    },
  };
}

/** The service of `namespace` among same-host `services`, else the first. */
export function preferNamespace(services: readonly Service[], namespace: string): Service {
  if (services.length === 1) return services[0] as Service;
  return services.find((s) => s.namespace === namespace) ?? (services[0] as Service);
}

function isSorted(services: readonly Service[]): boolean {
  for (let i = 1; i < services.length; i++) if (compareServices(services[i - 1] as Service, services[i] as Service) > 0) return false;
  return true;
}
