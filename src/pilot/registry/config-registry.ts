// The registry of services that config defines: ServiceEntries, with WorkloadEntries as endpoints.
import type { Resource } from '../../api/index.js';
import type { ConfigSnapshot } from '../../galley/index.js';
import type { RegistryChange, Service, ServiceRegistry } from '../model/service.js';
import { diffRegistryViews, sameList } from './registry-diff.js';
import { createRegistryView, groupEndpoints, type HostEndpoints, type RegistryView } from './registry-view.js';
import { buildServiceEntryEndpoints } from './service-entry-endpoints.js';
import { parseServiceEntry } from './service-entry.js';

/** An immutable registry built from one config snapshot. Its `onChange` never fires. */
export interface ConfigRegistryView extends ServiceRegistry, RegistryView {
  /** The version of the snapshot it was built from. */
  readonly version: number;
}

/** A config registry that follows snapshots: `update` swaps in a new view and reports what changed. */
export interface ConfigRegistry extends ServiceRegistry {
  /** The view now served. */
  readonly current: ConfigRegistryView;
  /** Builds the view of `snapshot`, serves it, and tells listeners (and the caller) what changed; nothing is told when nothing did. */
  update(snapshot: ConfigSnapshot): RegistryChange;
}

/**
 * Builds the services and endpoints that a snapshot's ServiceEntries define (see
 * {@link parseServiceEntry} and {@link buildServiceEntryEndpoints}). Two entries defining the same
 * host in the same namespace make one service, whose ports are the union (the first entry, by
 * namespace/name, wins a port number) and whose endpoints come from both.
 *
 * Snapshot resources are immutable, so what an entry gives is remembered per resource object (and,
 * for an entry with a workloadSelector, per list of WorkloadEntries in its namespace): a new
 * snapshot rebuilds only the entries that changed, and unchanged hosts keep identical endpoint
 * lists, which makes comparing views cheap.
 */
export function buildConfigRegistry(snapshot: ConfigSnapshot): ConfigRegistryView {
  const workloadEntries = new Map<string, Resource<'WorkloadEntry'>[]>();
  for (const { resource } of snapshot.of('WorkloadEntry')) {
    const list = workloadEntries.get(resource.metadata.namespace);
    if (list) list.push(resource);
    else workloadEntries.set(resource.metadata.namespace, [resource]);
  }
  const services: Service[] = [];
  const groups = new Map<string, HostEndpoints[]>();
  for (const { resource } of snapshot.of('ServiceEntry')) {
    const built = buildEntry(resource, workloadEntries.get(resource.metadata.namespace) ?? NO_WORKLOAD_ENTRIES);
    services.push(...built.services);
    for (const [host, group] of built.endpoints) {
      const list = groups.get(host);
      if (list) list.push(group);
      else groups.set(host, [group]);
    }
  }
  const view = createRegistryView(services, groups);
  return Object.freeze({
    version: snapshot.version,
    services: view.services,
    endpointHosts: view.endpointHosts,
    endpointsOfHost: view.endpointsOfHost,
    endpoints: view.endpoints,
    onChange: () => () => {},
  });
}

interface BuiltEntry {
  /** The WorkloadEntries the endpoints were selected from (none for an entry without selector). */
  readonly workloadEntries: readonly Resource<'WorkloadEntry'>[];
  readonly services: readonly Service[];
  readonly endpoints: ReadonlyMap<string, HostEndpoints>;
}

const NO_WORKLOAD_ENTRIES: readonly Resource<'WorkloadEntry'>[] = Object.freeze([]);
const built = new WeakMap<Resource<'ServiceEntry'>, BuiltEntry>();

function buildEntry(resource: Resource<'ServiceEntry'>, namespaceEntries: readonly Resource<'WorkloadEntry'>[]): BuiltEntry {
  const workloadEntries = resource.spec.workloadSelector ? namespaceEntries : NO_WORKLOAD_ENTRIES;
  const cached = built.get(resource);
  if (cached && sameList(cached.workloadEntries, workloadEntries, (a, b) => a === b)) return cached;
  const entry = parseServiceEntry(resource);
  const result: BuiltEntry = {
    workloadEntries,
    services: entry.services,
    endpoints: groupEndpoints(buildServiceEntryEndpoints(entry, workloadEntries)),
  };
  if (Object.isFrozen(resource)) built.set(resource, result);
  return result;
}

/**
 * Wraps `buildConfigRegistry`: the registry serves the view of the last snapshot given to
 * `update`, and each update reports precisely what changed (see {@link diffRegistryViews}).
 */
export function createConfigRegistry(initial?: ConfigSnapshot): ConfigRegistry {
  let current = initial ? buildConfigRegistry(initial) : emptyView();
  const listeners = new Set<(change: RegistryChange) => void>();
  return {
    get current() {
      return current;
    },
    services: () => current.services(),
    endpoints: (hostname, port, namespace) => current.endpoints(hostname, port, namespace),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update(snapshot) {
      const next = buildConfigRegistry(snapshot);
      const change = diffRegistryViews(current, next);
      current = next;
      if (change.services || change.endpointsOf.length > 0) for (const listener of [...listeners]) listener(change);
      return change;
    },
  };
}

function emptyView(): ConfigRegistryView {
  return buildConfigRegistry({ version: 0, of: () => [], all: () => [], get: () => undefined });
}
