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

/** Creates an empty two-generation cache. */
export function createPushGenerations<K extends object, V>(): PushGenerations<K, V> {
  let current = new Map<K, V>();
  let previous = new Map<K, V>();
  let latest: PushToken | undefined;
  const seen = new WeakSet<PushToken>();
  return {
    rotate(push) {
      if (push === latest || seen.has(push)) return;
      seen.add(push);
      latest = push;
      previous = current;
      current = new Map();
    },
    get(key) {
      const hit = current.get(key);
      if (hit !== undefined) return hit;
      const old = previous.get(key);
      if (old !== undefined) {
        previous.delete(key);
        current.set(key, old);
      }
      return old;
    },
    set(key, value) {
      current.set(key, value);
    },
    get size() {
      return current.size + previous.size;
    },
  };
}
