// Galley's processing: units from a ConfigSource become one immutable snapshot, published to
// subscribers. A rejected resource keeps its last good version serving.
import { resourceKey, type AnyResource } from '../api/index.js';
import type { Logger } from '../log/index.js';
import { formatIssue, type ConfigIssue, type ResourceRef } from './issue.js';
import type { ConfigSource, ConfigUnit, StopWatching } from './source/config-source.js';
import { createSnapshot, type ConfigEntry, type ConfigSnapshot } from './snapshot.js';

/** A resource that was rejected, and what was done about it. */
export interface Rejection {
  readonly resource?: ResourceRef;
  readonly unit: string;
  readonly issues: readonly ConfigIssue[];
  /** True when an earlier good version of the resource is still serving. */
  readonly keptLastGood: boolean;
  /** When it was rejected, as an ISO date. */
  readonly at: string;
}

export interface GalleyOptions {
  readonly source: ConfigSource;
  readonly log: Logger;
  /** How many rejections to keep for the debug endpoint. Default 100. */
  readonly maxRejections?: number;
  /** The clock; injectable for tests. */
  readonly now?: () => Date;
}

export type SnapshotListener = (snapshot: ConfigSnapshot) => void;

/** The running config pipeline. */
export interface Galley {
  /** Reads the source and publishes the first snapshot. */
  start(opts?: { watch?: boolean }): Promise<ConfigSnapshot>;
  /** The latest snapshot. */
  snapshot(): ConfigSnapshot;
  /** Calls `listener` with every new snapshot; returns an unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void;
  /** Applies changed units, as a source would deliver them. Exposed for tests and other feeds. */
  apply(units: readonly ConfigUnit[]): void;
  /** The most recent rejections, newest last. */
  rejections(): readonly Rejection[];
  /** Calls `listener` with every new rejection; returns an unsubscribe function. */
  onRejection(listener: (rejection: Rejection) => void): () => void;
  /** Stops watching. */
  stop(): void;
}

type KeyedEntry = { key: string; entry: ConfigEntry };

function entryKey(r: AnyResource | ConfigEntry['resource']): string {
  return `${r.kind}/${resourceKey(r)}`;
}

/** Creates Galley over a config source. */
export function createGalley(opts: GalleyOptions): Galley {
  const { source, log } = opts;
  const maxRejections = opts.maxRejections ?? 100;
  const now = opts.now ?? (() => new Date());
  const listeners = new Set<SnapshotListener>();
  /** unit id -> the entries it currently contributes (valid, or last good). */
  const unitEntries = new Map<string, KeyedEntry[]>();
  const rejections: Rejection[] = [];
  const rejectionListeners = new Set<(rejection: Rejection) => void>();
  let current = createSnapshot(0, []);
  let stopWatching: StopWatching | undefined;

  function lastGood(key: string): ConfigEntry | undefined {
    for (const entries of unitEntries.values()) {
      const hit = entries.find((e) => e.key === key);
      if (hit) return hit.entry;
    }
    return undefined;
  }

  function reject(rejection: Omit<Rejection, 'at'>): void {
    const stamped = { ...rejection, at: now().toISOString() };
    rejections.push(stamped);
    for (const l of rejectionListeners) l(stamped);
    if (rejections.length > maxRejections) rejections.splice(0, rejections.length - maxRejections);
    for (const issue of rejection.issues) {
      log.warn(
        { unit: rejection.unit, keptLastGood: rejection.keptLastGood, field: issue.field, resource: rejection.resource },
        `rejected config: ${formatIssue(issue)}${rejection.keptLastGood ? ' (the last good version keeps serving)' : ''}`,
      );
    }
  }

  function applyUnit(unit: ConfigUnit): void {
    if (!unit.parsed) {
      unitEntries.delete(unit.id);
      log.info({ unit: unit.id }, 'config removed');
      return;
    }
    const next: KeyedEntry[] = [];
    const { parsed } = unit;
    if (parsed.fileIssues.some((i) => i.severity === 'error')) {
      // A file that does not parse as YAML keeps all it had.
      const kept = unitEntries.get(unit.id) ?? [];
      reject({ unit: unit.id, issues: parsed.fileIssues, keptLastGood: kept.length > 0 });
      return;
    }
    for (const result of parsed.results) {
      if (result.status === 'ignored') continue;
      if (result.status === 'valid') {
        next.push({ key: entryKey(result.resource), entry: { resource: result.resource, location: result.location, lineOf: result.lineOf } });
        for (const w of result.issues) log.warn({ unit: unit.id }, `config warning: ${formatIssue(w)}`);
        continue;
      }
      const ref = result.ref;
      const key = ref && ref.name ? `${ref.kind}/${ref.namespace}/${ref.name}` : undefined;
      const previous = key ? lastGood(key) : undefined;
      if (key && previous) next.push({ key, entry: previous });
      reject({ ...(ref ? { resource: ref } : {}), unit: unit.id, issues: result.issues, keptLastGood: previous !== undefined });
    }
    unitEntries.set(unit.id, next);
  }

  function publish(): void {
    // Units are merged in sorted order, so when two define the same resource the later one wins.
    const merged = new Map<string, { entry: ConfigEntry; unit: string }>();
    const duplicates: string[] = [];
    for (const id of [...unitEntries.keys()].sort()) {
      for (const { key, entry } of unitEntries.get(id)!) {
        const earlier = merged.get(key);
        if (earlier && earlier.unit !== id) duplicates.push(`${key} is defined in ${earlier.unit} and ${id}; ${id} wins`);
        merged.set(key, { entry, unit: id });
      }
    }
    const entries = [...merged.values()].map((m) => m.entry);
    const changed = !sameEntries(current.all(), entries);
    if (!changed) return;
    current = createSnapshot(current.version + 1, entries);
    for (const d of duplicates) log.warn(`duplicate resource: ${d}`);
    log.info({ version: current.version, resources: current.all().length }, 'published config snapshot');
    for (const l of listeners) l(current);
  }

  const galley: Galley = {
    async start({ watch = true } = {}) {
      const units = await source.list();
      galley.apply(units);
      if (current.version === 0) {
        current = createSnapshot(1, []);
        for (const l of listeners) l(current);
      }
      if (watch) {
        stopWatching = source.watch(
          (changes) => galley.apply(changes),
          (err) => log.warn({ err: err.message }, `config source: ${err.message}`),
        );
      }
      return current;
    },
    snapshot: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply(units) {
      for (const unit of units) applyUnit(unit);
      publish();
    },
    rejections: () => rejections,
    onRejection(listener) {
      rejectionListeners.add(listener);
      return () => rejectionListeners.delete(listener);
    },
    stop() {
      stopWatching?.();
      stopWatching = undefined;
    },
  };
  return galley;
}

function sameEntries(a: readonly ConfigEntry[], b: readonly ConfigEntry[]): boolean {
  if (a.length !== b.length) return false;
  const key = (e: ConfigEntry) => `${entryKey(e.resource)}\0${JSON.stringify(e.resource)}`;
  const left = new Set(a.map(key));
  return b.every((e) => left.has(key(e)));
}
