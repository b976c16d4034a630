// The workloads that selectors can pick: from the config itself and from outside it.
import type { ConfigEntry, ConfigSnapshot } from '../snapshot.js';

/** One workload (or workload template), as far as a label selector sees it. */
export interface Workload {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The resource it comes from: a WorkloadEntry, a ServiceEntry (one of its inline endpoints) or
   * a WorkloadGroup. Absent for workloads known from outside the config.
   */
  readonly from?: ConfigEntry;
}

/** A label selector; an empty one selects everything. */
export type LabelSelector = Readonly<Record<string, string>>;

/** True when every label of `selector` is on the workload with the same value. */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Formats a selector as Kubernetes prints one: `app=reviews,version=v1`. */
export function formatSelector(selector: LabelSelector): string {
  return Object.entries(selector)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The workloads that selectors are evaluated against. */
export interface WorkloadIndex {
  /** Every workload, in any namespace. */
  readonly all: readonly Workload[];
  /** The workloads of one namespace. */
  inNamespace(namespace: string): readonly Workload[];
}

/**
 * Collects workloads from WorkloadEntries, ServiceEntry endpoints, WorkloadGroup templates and
 * those known from outside the config.
 */
export function createWorkloadIndex(
  snapshot: ConfigSnapshot,
  known: Iterable<{ namespace: string; labels: Readonly<Record<string, string>> }> = [],
): WorkloadIndex {
  const all: Workload[] = [];
  for (const from of snapshot.of('WorkloadEntry')) {
    all.push({ namespace: from.resource.metadata.namespace, labels: from.resource.spec.labels ?? {}, from });
  }
  for (const from of snapshot.of('ServiceEntry')) {
    for (const endpoint of from.resource.spec.endpoints ?? []) {
      all.push({ namespace: from.resource.metadata.namespace, labels: endpoint.labels ?? {}, from });
    }
  }
  for (const from of snapshot.of('WorkloadGroup')) {
    const { spec } = from.resource;
    // The labels of the WorkloadEntries the group stamps out.
    const labels = { ...(spec.template?.labels ?? {}), ...(spec.metadata?.labels ?? {}) };
    all.push({ namespace: from.resource.metadata.namespace, labels, from });
  }
  for (const w of known) all.push({ namespace: w.namespace, labels: w.labels });

  const byNamespace = new Map<string, Workload[]>();
  for (const w of all) {
    let list = byNamespace.get(w.namespace);
    if (!list) byNamespace.set(w.namespace, (list = []));
    list.push(w);
  }
  return { all, inNamespace: (namespace) => byNamespace.get(namespace) ?? [] };
}
