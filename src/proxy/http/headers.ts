// HTTP header fields as the data path carries them: an ordered list of lowercase names and values,
// cheap to build from a parsed HTTP/1.1 head or an HTTP/2 header block, and to serialise again.

/**
 * An ordered, mutable multimap of header fields. Names are stored lowercase; values are kept as
 * received. Repeated fields stay separate entries, as HTTP/1.1 sends them.
 */
export class HeaderMap {
  /** Flat pairs: name0, value0, name1, value1, ... */
  private readonly fields: string[];

  /** `fields` is taken over, not copied: flat lowercase name/value pairs. */
  constructor(fields: string[] = []) {
    this.fields = fields;
  }

  /** Builds a map from Node-style headers (`{name: value | value[]}`), lowercasing the names. */
  static fromRecord(record: Readonly<Record<string, string | readonly string[] | number | undefined>>): HeaderMap {
    const fields: string[] = [];
    for (const [name, value] of Object.entries(record)) {
      if (value === undefined) continue;
      const lower = name.toLowerCase();
      if (Array.isArray(value)) for (const v of value as readonly string[]) fields.push(lower, v);
      else fields.push(lower, String(value));
    }
    return new HeaderMap(fields);
  }

  /** The number of fields. */
  get size(): number {
    return this.fields.length >> 1;
  }

  /** The first value of `name` (lowercase), or undefined. */
  get(name: string): string | undefined {
    const f = this.fields;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return f[i + 1];
    return undefined;
  }

  /** Every value of `name` (lowercase), in order. */
  getAll(name: string): string[] {
    const out: string[] = [];
    const f = this.fields;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) out.push(f[i + 1]!);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every value of `name` with one value. */
  set(name: string, value: string): void {
    const lower = name.toLowerCase();
    const f = this.fields;
    let i = 0;
    while (i < f.length && f[i] !== lower) i += 2;
    if (i === f.length) {
      f.push(lower, value);
      return;
    }
    f[i + 1] = value;
    this.removeFrom(lower, i + 2);
  }

  /** Adds a field after the existing ones. */
  add(name: string, value: string): void {
    this.fields.push(name.toLowerCase(), value);
  }

  /** Removes every field called `name`; returns whether any was there. */
  remove(name: string): boolean {
    return this.removeFrom(name.toLowerCase(), 0);
  }

  /** Removes, in one pass, every field whose name is in `names` (lowercase) except `keep`; returns whether any was removed. */
  removeNames(names: ReadonlySet<string>, keep?: string): boolean {
    const f = this.fields;
    const n = f.length;
    let out = 0;
    for (let i = 0; i < n; i += 2) {
      const name = f[i]!;
      if (name !== keep && names.has(name)) continue;
      f[out] = name;
      f[out + 1] = f[i + 1]!;
      out += 2;
    }
    if (out === n) return false;
    f.length = out;
    return true;
  }

  /** Removes the fields called `lower` at or after `from`, compacting in place (no array per call, as `splice` makes). */
  private removeFrom(lower: string, from: number): boolean {
    const f = this.fields;
    const n = f.length;
    let i = from;
    while (i < n && f[i] !== lower) i += 2;
    if (i === n) return false;
    let out = i;
    for (i += 2; i < n; i += 2) {
      if (f[i] === lower) continue;
      f[out] = f[i]!;
      f[out + 1] = f[i + 1]!;
      out += 2;
    }
    f.length = out;
    return true;
  }

  /** Calls `fn` for each field in order. */
  forEach(fn: (name: string, value: string) => void): void {
    const f = this.fields;
    for (let i = 0; i < f.length; i += 2) fn(f[i]!, f[i + 1]!);
  }

  /** The flat name/value pairs, for serialisers. Do not mutate. */
  raw(): readonly string[] {
    return this.fields;
  }

  /** A copy that can be changed without touching this one (each retry attempt gets one). */
  clone(): HeaderMap {
    return new HeaderMap(this.fields.slice());
  }

  /** Node-style record; repeated names become arrays (`set-cookie`) or are joined with ", ". */
  toRecord(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    const f = this.fields;
    for (let i = 0; i < f.length; i += 2) {
      const name = f[i]!;
      const value = f[i + 1]!;
      const prev = out[name];
      if (prev === undefined) out[name] = value;
      else if (name === 'set-cookie') out[name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
      else out[name] = `${Array.isArray(prev) ? prev.join(', ') : prev}, ${value}`;
    }
    return out;
  }
}
