// Where config comes from. Files today; the Kubernetes API later, behind the same interface.
import type { ParsedFile } from '../parse/index.js';

/**
 * One unit of config as a source knows it: a file, or (for a Kubernetes source) one object.
 * `parsed` holds its validated documents; it is undefined when the unit was removed.
 */
export interface ConfigUnit {
  /** Stable identity of the unit within its source: a path, or `Kind/namespace/name`. */
  readonly id: string;
  readonly parsed?: ParsedFile;
}

/** Stops a watch. */
export type StopWatching = () => void;

/** A source of Istio config. Downstream code sees only units of parsed resources. */
export interface ConfigSource {
  /** A short description for logs, such as `files: samples/`. */
  readonly description: string;
  /** Reads every unit as it is now. */
  list(): Promise<ConfigUnit[]>;
  /**
   * Watches for changes. `onChange` receives the units that changed since the last call (or since
   * `list`), with removed units carrying no `parsed`. Changes are debounced by the source.
   */
  watch(onChange: (changes: ConfigUnit[]) => void, onError: (err: Error) => void): StopWatching;
}
