// Sidecar resources: which one applies to a proxy, and what its egress hosts import.
import { hostCovers, hostsOverlap, isWildcardHost, type Resource } from '../api/index.js';
import type { ConfigSnapshot } from '../galley/index.js';
import type { Proxy } from './model/proxy.js';
import type { Service } from './model/service.js';
import { selectorMatches } from './registry/label-selector.js';
import { mergeServicePorts } from './registry/registry-view.js';
import type { VisibleServices } from './push-context-services.js';

/** One `namespace/host` of a Sidecar's egress, with `.` already resolved. */
export interface HostImport {
  /** A namespace, `*` for any, or `~` for none. */
  readonly namespace: string;
  readonly host: string;
}

/** One egress listener: the hosts it imports, narrowed to one port when it names one. */
export interface EgressListener {
  readonly port?: number;
  readonly imports: readonly HostImport[];
}

/** The Sidecar that applies to proxies of one namespace, read for that namespace. */
export interface SidecarScope {
  /** `sidecarNamespace/name@proxyNamespace`: scopes with one key import the same. */
  readonly key: string;
  readonly sidecar: Resource<'Sidecar'>;
  readonly egress: readonly EgressListener[];
}

/** Finds the Sidecar scope of a proxy. */
export interface SidecarIndex {
  /**
   * The scope of `proxy`: the Sidecar of its namespace whose workloadSelector matches its labels
   * (the first by name), else its namespace's Sidecar without selector, else the root namespace's
   * Sidecar without selector; undefined when none applies.
   */
  scopeFor(proxy: Proxy): SidecarScope | undefined;
}

interface NamespaceSidecars {
  readonly selecting: Resource<'Sidecar'>[];
  plain?: Resource<'Sidecar'>;
}

const IMPORT_ALL: readonly EgressListener[] = [{ imports: [{ namespace: '*', host: '*' }] }];

/** Indexes the snapshot's Sidecars by namespace. */
export function createSidecarIndex(config: ConfigSnapshot, rootNamespace: string): SidecarIndex {
  const byNamespace = new Map<string, NamespaceSidecars>();
  for (const { resource } of config.of('Sidecar')) {
    const ns = resource.metadata.namespace;
    let entry = byNamespace.get(ns);
    if (!entry) byNamespace.set(ns, (entry = { selecting: [] }));
    if (resource.spec.workloadSelector) entry.selecting.push(resource);
    else entry.plain ??= resource;
  }
  const scopes = new Map<string, SidecarScope>();
  return {
    scopeFor(proxy) {
      const own = byNamespace.get(proxy.namespace);
      const sidecar =
        own?.selecting.find((s) => selectorMatches(s.spec.workloadSelector?.labels, proxy.labels)) ??
        own?.plain ??
        byNamespace.get(rootNamespace)?.plain;
      if (!sidecar) return undefined;
      const key = `${sidecar.metadata.namespace}/${sidecar.metadata.name}@${proxy.namespace}`;
      let scope = scopes.get(key);
      if (!scope) scopes.set(key, (scope = { key, sidecar, egress: egressOf(sidecar, proxy.namespace) }));
      return scope;
    },
  };
}

/** The egress listeners of `sidecar` for proxies of `namespace` (`.` is that namespace); none means import everything. */
function egressOf(sidecar: Resource<'Sidecar'>, namespace: string): readonly EgressListener[] {
  const egress = sidecar.spec.egress ?? [];
  if (egress.length === 0) return IMPORT_ALL;
  return egress.map((listener) => ({
    ...(listener.port?.number ? { port: listener.port.number } : {}),
    imports: listener.hosts.map((h) => parseHostImport(h, namespace)),
  }));
}

function parseHostImport(text: string, namespace: string): HostImport {
  const slash = text.indexOf('/');
  const ns = slash >= 0 ? text.slice(0, slash) : '*';
  const host = (slash >= 0 ? text.slice(slash + 1) : text).toLowerCase();
  return { namespace: ns === '.' ? namespace : ns, host };
}

/**
 * The services a scope imports out of those visible to a proxy of `namespace`: a service is
 * imported when an egress host of its namespace (or `*`) covers its host. A wildcard service wider
 * than an imported host (`*.example.com` under `api.example.com`) is imported under that host. A
 * listener with a port imports only that port. One service per host, sorted: the one in
 * `namespace` when several namespaces' are imported, else the first; the same service imported
 * by several listeners gets their ports together.
 */
export function selectServices(scope: SidecarScope, visible: VisibleServices, namespace: string): Service[] {
  const out = new Map<string, Service>();
  const add = (service: Service) => {
    const existing = out.get(service.hostname);
    if (!existing || (existing.namespace !== namespace && service.namespace === namespace)) out.set(service.hostname, service);
    else if (existing.namespace === service.namespace) out.set(service.hostname, mergeServicePorts(existing, service));
  };
  for (const listener of scope.egress) {
    for (const imp of listener.imports) {
      if (imp.namespace === '~') continue;
      const wildcardImport = isWildcardHost(imp.host);
      const candidates = wildcardImport ? visible.all : [...(visible.byHost.get(imp.host) ?? []), ...visible.wildcards];
      for (const s of candidates) {
        if (imp.namespace !== '*' && imp.namespace !== s.namespace) continue;
        let service: Service | undefined;
        if (hostCovers(imp.host, s.hostname)) service = s;
        else if (isWildcardHost(s.hostname) && hostCovers(s.hostname, imp.host)) service = { ...s, hostname: imp.host };
        if (service && listener.port !== undefined) service = onPort(service, listener.port);
        if (service) add(service);
      }
    }
  }
  return [...out.values()].sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
}

function onPort(service: Service, port: number): Service | undefined {
  const ports = service.ports.filter((p) => p.port === port);
  if (ports.length === 0) return undefined;
  return ports.length === service.ports.length ? service : { ...service, ports };
}

/** True when an egress host of the VirtualService's namespace (or `*`) overlaps one of its hosts. */
export function importsVirtualService(scope: SidecarScope, namespace: string, hosts: readonly string[]): boolean {
  for (const listener of scope.egress) {
    for (const imp of listener.imports) {
      if (imp.namespace !== '*' && imp.namespace !== namespace) continue;
      if (hosts.some((h) => hostsOverlap(h, imp.host))) return true;
    }
  }
  return false;
}
