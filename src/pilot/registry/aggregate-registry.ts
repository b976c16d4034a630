// Several registries seen as one: config first, then registered workloads (later, Kubernetes).
import type { RegistryChange, Service, ServiceEndpoint, ServiceRegistry } from '../model/service.js';
import { compareServices, mergeServicePorts } from './registry-view.js';

/** A registry over others; `close` stops listening to them. */
export interface AggregateRegistry extends ServiceRegistry {
  close(): void;
}

/**
 * Merges `registries`, in order of precedence. Services with the same host and namespace merge
 * into the first registry's, which gains the ports only later ones have. Endpoints of a host come
 * from every registry, in registry order; an address and port that several give appears once.
 * Changes of any registry are passed on as they are.
 */
export function createAggregateRegistry(registries: readonly ServiceRegistry[]): AggregateRegistry {
  const listeners = new Set<(change: RegistryChange) => void>();
  let merged: readonly Service[] | undefined;
  const unsubscribes = registries.map((registry) =>
    registry.onChange((change) => {
      if (change.services) merged = undefined;
      for (const listener of [...listeners]) listener(change);
    }),
  );

  return {
    services() {
      merged ??= mergeServices(registries.map((r) => r.services()));
      return merged;
    },
    endpoints(hostname, port, namespace) {
      let only: readonly ServiceEndpoint[] | undefined;
      let lists: (readonly ServiceEndpoint[])[] | undefined;
      for (const registry of registries) {
        const list = registry.endpoints(hostname, port, namespace);
        if (list.length === 0) continue;
        if (!only) only = list;
        else (lists ??= [only]).push(list);
      }
      return lists ? concatUnique(lists) : (only ?? []);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}

/** The services of all lists, one per host and namespace, sorted. */
function mergeServices(lists: readonly (readonly Service[])[]): readonly Service[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 1 && nonEmpty[0]) return nonEmpty[0];
  const byKey = new Map<string, Service>();
  for (const list of nonEmpty) {
    for (const service of list) {
      const key = `${service.hostname}\n${service.namespace}`;
      const existing = byKey.get(key);
      byKey.set(key, existing ? mergeServicePorts(existing, service) : service);
    }
  }
  return Object.freeze([...byKey.values()].sort(compareServices));
}

function concatUnique(lists: readonly (readonly ServiceEndpoint[])[]): readonly ServiceEndpoint[] {
  const seen = new Set<string>();
  const out: ServiceEndpoint[] = [];
  for (const list of lists) {
    for (const e of list) {
      const key = `${e.address}|${e.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
    }
  }
  return Object.freeze(out);
}
