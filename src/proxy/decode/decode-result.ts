// The outcome of decoding one xDS resource: the runtime config, or every problem found, by field path.

/** A decoded resource, or the field-path errors that make it unusable (which become a NACK). */
export type DecodeResult<T> = { readonly valid: true; readonly result: T } | { readonly valid: false; readonly errors: string[] };

/**
 * Collects errors while a decoder walks a resource, so that all of them are reported and not
 * just the first. Paths are joined as Envoy's field names: `filter_chains[1].filters[0]`.
 */
export class DecodeErrors {
  readonly list: string[] = [];

  /** Records `message` at `path`. */
  add(path: string, message: string): void {
    this.list.push(path ? `${path}: ${message}` : message);
  }

  /** True when nothing was recorded. */
  get ok(): boolean {
    return this.list.length === 0;
  }

  /** The failed result; call only after recording at least one error. */
  fail<T>(): DecodeResult<T> {
    return { valid: false, errors: [...this.list] };
  }

  /** `result` when no error was recorded, the errors otherwise. */
  finish<T>(result: T): DecodeResult<T> {
    return this.ok ? { valid: true, result } : { valid: false, errors: [...this.list] };
  }
}

/** `parent.child`, or `child` at the root. */
export function fieldPath(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}
