// Istio-style auto-registration: workloads join the registry when their proxy connects, and leave after a grace.
import type { ConfigSnapshot } from '../../galley/index.js';
import type { Proxy } from '../model/proxy.js';
import type { RegistryChange, Service, ServiceEndpoint, ServiceRegistry } from '../model/service.js';
import { selectorMatches } from './label-selector.js';
import { endpointEquals, sameList, serviceEquals } from './registry-diff.js';
import { compareServices, filterNamespace } from './registry-view.js';
import { endpointsOfTarget } from './service-entry-endpoints.js';
import { parseServiceEntry, type ParsedServiceEntry } from './service-entry.js';
import { implicitEndpoints, implicitService, targetOfWorkload, workloadOf, type Workload } from './workload.js';

/** Timers, injected so that tests control time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How long a workload stays after its proxy disconnects, unless it reconnects (Istio: 10s). */
export const DEFAULT_GRACE_MS = 10_000;

export interface WorkloadRegistryOptions {
  readonly graceMs?: number;
  readonly timers?: Timers;
  /** The config whose ServiceEntries' workloadSelectors pick registered workloads. */
  readonly config?: ConfigSnapshot;
}

/** The registry of workloads whose proxies connected. */
export interface WorkloadRegistry extends ServiceRegistry {
  /**
   * Adds (or updates) the proxy's workload. Call once per connection: a workload with several
   * connections stays until the last one is unregistered. Registering again within the grace
   * period cancels the pending removal.
   */
  register(proxy: Proxy): RegistryChange;
  /** Ends one connection of the proxy; when none is left, the workload is removed after the grace period. */
  unregister(proxyId: string): void;
  /** Takes the ServiceEntries (with workloadSelector) of a new snapshot. */
  updateConfig(snapshot: ConfigSnapshot): RegistryChange;
  /** Every registered workload, including those within their grace period. */
  workloads(): readonly Workload[];
  /** Cancels pending removals. */
  close(): void;
}

interface Registration {
  workload: Workload;
  connections: number;
  timer?: unknown;
}

interface HostState {
  readonly service?: Service;
  readonly endpoints: readonly ServiceEndpoint[];
  readonly byPort: ReadonlyMap<number, readonly ServiceEndpoint[]>;
}

const EMPTY: HostState = { endpoints: [], byPort: new Map() };
const NO_CHANGE: RegistryChange = Object.freeze({ services: false, endpointsOf: Object.freeze([]) });

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Creates the registry. A registered workload with an IP is (a) an endpoint of every
 * ServiceEntry of its namespace whose workloadSelector matches its labels, on the port its
 * ports name like the entry's port, else the targetPort, else the service port; and (b) when it
 * has ports and an `app` (or `service.istio.io/canonical-name`) label, an endpoint of the implicit
 * service `<app>.<namespace>.svc.cluster.local` (see {@link implicitService}), so that local
 * workloads need no ServiceEntry.
 */
export function createWorkloadRegistry(options: WorkloadRegistryOptions = {}): WorkloadRegistry {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const timers = options.timers ?? realTimers;
  const registrations = new Map<string, Registration>();
  const byNamespace = new Map<string, Map<string, Workload>>();
  const implicitMembers = new Map<string, Map<string, Workload>>();
  const hosts = new Map<string, HostState>();
  const listeners = new Set<(change: RegistryChange) => void>();
  let selectors = indexSelectors(options.config);
  let sortedServices: readonly Service[] | undefined;

  function hostsOf(w: Workload | undefined): string[] {
    if (!w?.address) return [];
    const out = new Set<string>();
    if (w.implicitHost) out.add(w.implicitHost);
    for (const se of selectors.byNamespace.get(w.namespace) ?? []) {
      if (selectorMatches(se.selector, w.labels)) for (const h of se.hosts) out.add(h);
    }
    return [...out];
  }

  function compute(host: string): HostState {
    const endpoints: ServiceEndpoint[] = [];
    const seen = new Set<string>();
    const add = (list: readonly ServiceEndpoint[]) => {
      for (const e of list) {
        const key = `${e.servicePort}|${e.address}|${e.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        endpoints.push(e);
      }
    };
    for (const se of selectors.byHost.get(host) ?? []) {
      for (const w of byNamespace.get(se.namespace)?.values() ?? []) {
        if (w.address && selectorMatches(se.selector, w.labels)) add(endpointsOfTarget([host], se.ports, targetOfWorkload({ ...w, address: w.address })));
      }
    }
    const members = implicitMembers.get(host);
    let service: Service | undefined;
    if (members && members.size > 0) {
      const first = members.values().next().value as Workload;
      service = implicitService(host, first.namespace, members.values());
      for (const w of members.values()) if (w.address) add(implicitEndpoints({ ...w, address: w.address }, host));
    }
    if (!service && endpoints.length === 0) return EMPTY;
    const byPort = new Map<number, ServiceEndpoint[]>();
    for (const e of endpoints) {
      const list = byPort.get(e.servicePort);
      if (list) list.push(e);
      else byPort.set(e.servicePort, [e]);
    }
    return { ...(service ? { service } : {}), endpoints: Object.freeze(endpoints), byPort };
  }

  /** Runs `mutate`, recomputes `affected` hosts, and reports (and tells listeners) what changed. */
  function apply(affected: Iterable<string>, mutate: () => void): RegistryChange {
    mutate();
    let servicesChanged = false;
    const endpointsOf: string[] = [];
    for (const host of new Set(affected)) {
      const before = hosts.get(host) ?? EMPTY;
      const after = compute(host);
      if (after === EMPTY) hosts.delete(host);
      else hosts.set(host, after);
      const a = before.service;
      const b = after.service;
      if (a !== b && (!a || !b || !serviceEquals(a, b))) servicesChanged = true;
      if (!sameList(before.endpoints, after.endpoints, endpointEquals)) endpointsOf.push(host);
    }
    if (!servicesChanged && endpointsOf.length === 0) return NO_CHANGE;
    if (servicesChanged) sortedServices = undefined;
    const change: RegistryChange = { services: servicesChanged, endpointsOf: endpointsOf.sort() };
    for (const listener of [...listeners]) listener(change);
    return change;
  }

  /** Puts `next` where `old` was (same id): a workload that stays keeps its place, so endpoint order is stable. */
  function replace(old: Workload | undefined, next: Workload | undefined): void {
    if (old && old.namespace !== next?.namespace) deleteFrom(byNamespace, old.namespace, old.id);
    if (next) setIn(byNamespace, next.namespace, next);
    if (old?.implicitHost && old.implicitHost !== next?.implicitHost) deleteFrom(implicitMembers, old.implicitHost, old.id);
    if (next?.implicitHost) setIn(implicitMembers, next.implicitHost, next);
  }

  function remove(id: string): void {
    const old = registrations.get(id)?.workload;
    apply(hostsOf(old), () => {
      registrations.delete(id);
      replace(old, undefined);
    });
  }

  return {
    services() {
      sortedServices ??= Object.freeze(
        [...hosts.values()].flatMap((h) => (h.service ? [h.service] : [])).sort(compareServices),
      );
      return sortedServices;
    },
    endpoints(hostname, port, namespace) {
      const list = hosts.get(hostname)?.byPort.get(port) ?? EMPTY.endpoints;
      return namespace === undefined ? list : filterNamespace(list, namespace);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    register(proxy) {
      const workload = workloadOf(proxy);
      const existing = registrations.get(proxy.id);
      if (existing?.timer !== undefined) {
        timers.clearTimeout(existing.timer);
        delete existing.timer;
        existing.connections = 0;
      }
      const old = existing?.workload;
      return apply([...hostsOf(old), ...hostsOf(workload)], () => {
        registrations.set(proxy.id, { workload, connections: (existing?.connections ?? 0) + 1 });
        replace(old, workload);
      });
    },
    unregister(proxyId) {
      const registration = registrations.get(proxyId);
      if (!registration || registration.timer !== undefined) return;
      registration.connections -= 1;
      if (registration.connections > 0) return;
      registration.timer = timers.setTimeout(() => remove(proxyId), graceMs);
    },
    updateConfig(snapshot) {
      const before = selectors;
      const after = indexSelectors(snapshot);
      return apply([...before.byHost.keys(), ...after.byHost.keys()], () => {
        selectors = after;
      });
    },
    workloads: () => [...registrations.values()].map((r) => r.workload),
    close() {
      for (const r of registrations.values()) if (r.timer !== undefined) timers.clearTimeout(r.timer);
    },
  };
}

interface SelectorIndex {
  readonly byNamespace: ReadonlyMap<string, readonly ParsedServiceEntry[]>;
  readonly byHost: ReadonlyMap<string, readonly ParsedServiceEntry[]>;
}

/** The ServiceEntries that select workloads, by namespace and by host. */
function indexSelectors(snapshot: ConfigSnapshot | undefined): SelectorIndex {
  const byNamespace = new Map<string, ParsedServiceEntry[]>();
  const byHost = new Map<string, ParsedServiceEntry[]>();
  for (const { resource } of snapshot?.of('ServiceEntry') ?? []) {
    if (!resource.spec.workloadSelector) continue;
    const se = parseServiceEntry(resource);
    pushTo(byNamespace, se.namespace, se);
    for (const host of se.hosts) pushTo(byHost, host, se);
  }
  return { byNamespace, byHost };
}

function pushTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function setIn(map: Map<string, Map<string, Workload>>, key: string, workload: Workload): void {
  const inner = map.get(key);
  if (inner) inner.set(workload.id, workload);
  else map.set(key, new Map([[workload.id, workload]]));
}

function deleteFrom(map: Map<string, Map<string, Workload>>, key: string, id: string): void {
  const inner = map.get(key);
  if (!inner) return;
  inner.delete(id);
  if (inner.size === 0) map.delete(key);
}
