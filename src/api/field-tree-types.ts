// The shape of the generated known-field trees (see scripts/gen-api-fields.js).

/**
 * One node of a known-field tree. `p` lists an object's fields, `m` is the value of a map
 * (labels, for example), `i` is an array's item, and `o` marks a node that accepts any fields.
 * A node with none of them is a scalar.
 */
export interface FieldTree {
  readonly p?: Readonly<Record<string, FieldTree>>;
  readonly m?: FieldTree;
  readonly i?: FieldTree;
  readonly o?: 1;
}
