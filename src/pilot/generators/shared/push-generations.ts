// A cache that outlives one push but only by one: what the last two pushes used is kept, the rest
// is dropped, so its size follows the mesh as it is now rather than everything it ever held.

/** The push a generation belongs to: any object that a new push replaces (a PushContext). */
export type PushToken = object;

/** Values keyed by object identity, kept while the current or the previous push used them. */
export interface PushGenerations<K extends object, V> {
  /**
   * Starts a new generation when `push` has not been seen before: what the previous push used is
   * dropped, and what the current one used becomes the previous generation. Seeing a push again
   * (another proxy of the same push, or an older push still being served) changes nothing.
   */
  rotate(push: PushToken): void;
  /** The value of `key` from this generation or the previous one (which it then joins). */
  get(key: K): V | undefined;
  /** Stores `value` for `key` in the current generation. */
  set(key: K, value: V): void;
  /** The number of keys held in both generations, for tests and metrics. */
  readonly size: number;
}

/** A value and the generation that last used it. */
interface Stamped<V> {
  value: V;
  used: number;
}

/**
 * Creates an empty two-generation cache. One map holds both generations, each value stamped with
 * the generation that last used it; a new generation sweeps out what the ending one did not use.
 * (Moving every value from a previous map to a new one as it is used cost more than the sweep, and
 * each push's new map was garbage to collect.)
 */
export function createPushGenerations<K extends object, V>(): PushGenerations<K, V> {
  const entries = new Map<K, Stamped<V>>();
  let generation = 0;
  let latest: PushToken | undefined;
  const seen = new WeakSet<PushToken>();
  return {
    rotate(push) {
      if (push === latest || seen.has(push)) return;
      seen.add(push);
      latest = push;
      for (const [key, entry] of entries) if (entry.used < generation) entries.delete(key);
      generation++;
    },
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entry.used = generation;
      return entry.value;
    },
    set(key, value) {
      const entry = entries.get(key);
      if (entry) {
        entry.value = value;
        entry.used = generation;
      } else {
        entries.set(key, { value, used: generation });
      }
    },
    get size() {
      return entries.size;
    },
  };
}
