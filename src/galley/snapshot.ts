// The immutable, versioned set of valid config that Galley publishes.
import { resourceKey, type AnyResource, type FieldPath, type IstioKind, type Resource } from '../api/index.js';
import type { SourceLocation } from './issue.js';

/** One resource in a snapshot, with where it was read from. */
export interface ConfigEntry<K extends IstioKind = IstioKind> {
  readonly resource: Resource<K>;
  readonly location?: SourceLocation;
  /**
   * The 1-based line of the field at `path` in the entry's source, or of the nearest enclosing
   * field that exists. Absent when lines are not known; use `location.line` then.
   */
  readonly lineOf?: (path: FieldPath) => number;
}

/** An immutable view of every valid resource at one version. */
export interface ConfigSnapshot {
  /** Increases by one with every published change. */
  readonly version: number;
  /** Every entry of `kind`, sorted by namespace then name. */
  of<K extends IstioKind>(kind: K): readonly ConfigEntry<K>[];
  /** Every entry of every kind. */
  all(): readonly ConfigEntry[];
  /** The entry of `kind` named `namespace/name`, if any. */
  get<K extends IstioKind>(kind: K, namespace: string, name: string): ConfigEntry<K> | undefined;
}

/** Builds a snapshot from entries. Entries are frozen; a later entry with the same key wins. */
export function createSnapshot(version: number, entries: Iterable<ConfigEntry>): ConfigSnapshot {
  const byKind = new Map<IstioKind, Map<string, ConfigEntry>>();
  for (const entry of entries) {
    const kind = entry.resource.kind;
    let map = byKind.get(kind);
    if (!map) byKind.set(kind, (map = new Map()));
    map.set(resourceKey(entry.resource), deepFreeze(entry));
  }
  const sorted = new Map<IstioKind, readonly ConfigEntry[]>();
  for (const [kind, map] of byKind) {
    sorted.set(kind, Object.freeze([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e)));
  }
  const all = Object.freeze([...sorted.values()].flat());
  return Object.freeze({
    version,
    of: <K extends IstioKind>(kind: K) => (sorted.get(kind) ?? []) as readonly ConfigEntry<K>[],
    all: () => all,
    get: <K extends IstioKind>(kind: K, namespace: string, name: string) =>
      byKind.get(kind)?.get(`${namespace}/${name}`) as ConfigEntry<K> | undefined,
  });
}

/** Snapshot entries for bare resources, with no source locations (tests, generated config). */
export function entriesOf(resources: Iterable<AnyResource>): ConfigEntry[] {
  return [...resources].map((resource) => ({ resource }));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
