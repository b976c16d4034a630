// Schema validation of one Istio resource: the CRD schema's types, enums and one-of rules, plus
// the unknown-field check that the CRD validators leave out.
import { FIELD_TREES } from './generated/field-tree.js';
import type { FieldTree } from './field-tree-types.js';
import { modelClassFor } from './schema-models.js';

/** A path into a resource: object keys and array indexes. */
export type FieldPath = ReadonlyArray<string | number>;

/** One schema problem, at a field path inside the resource. */
export interface SchemaProblem {
  readonly path: FieldPath;
  readonly message: string;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
const METADATA = new Set([
  'name', 'namespace', 'labels', 'annotations', 'generateName', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'finalizers', 'ownerReferences',
  'managedFields', 'selfLink',
]);

/** Formats a field path the way Istio and kubectl print it: `spec.http[0].route`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The closest of `candidates` to `word`, if one is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function unknownField(path: FieldPath, key: string, known: Iterable<string>): SchemaProblem {
  const hint = closest(key, known);
  return { path: [...path, key], message: `unknown field "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}` };
}

function walkUnknown(value: unknown, tree: FieldTree, path: (string | number)[], out: SchemaProblem[]): void {
  if (tree.o) return;
  if (Array.isArray(value)) {
    if (tree.i) value.forEach((item, i) => walkUnknown(item, tree.i!, [...path, i], out));
    return;
  }
  if (!isObject(value)) return;
  if (tree.p) {
    for (const [key, child] of Object.entries(value)) {
      const sub = tree.p[key];
      if (sub) walkUnknown(child, sub, [...path, key], out);
      else if (tree.m) walkUnknown(child, tree.m, [...path, key], out);
      else out.push(unknownField(path, key, Object.keys(tree.p)));
    }
  } else if (tree.m) {
    for (const [key, child] of Object.entries(value)) walkUnknown(child, tree.m, [...path, key], out);
  }
}

function parsePointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function fromAjv(resource: Record<string, unknown>, errors: AjvError[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  for (const e of errors) {
    const path = parsePointer(e.instancePath);
    const value = valueAt(resource, path);
    switch (e.keyword) {
      case 'type':
        out.push({ path, message: `must be ${article(String(e.params.type))}, not ${describeType(value)}` });
        break;
      case 'enum': {
        const allowed = (e.params.allowedValues as unknown[]).map(String);
        const hint = typeof value === 'string' ? closest(value, allowed) : undefined;
        out.push({
          path,
          message: `invalid value ${JSON.stringify(value)}: must be one of ${allowed.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`,
        });
        break;
      }
      case 'oneOf': {
        const set = isObject(value) ? Object.keys(value) : [];
        out.push({ path, message: `only one of these may be set: ${set.join(', ')}` });
        break;
      }
      case 'not':
        if (!oneOfPaths.has(e.instancePath)) out.push({ path, message: e.message ?? 'is not allowed' });
        break;
      case 'required':
        out.push({ path: [...path, String(e.params.missingProperty)], message: 'required field is missing' });
        break;
      case 'anyOf':
        break;
      default:
        out.push({ path, message: e.message ?? `fails the ${e.keyword} rule` });
    }
  }
  return out;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Checks one resource against the schema of its `apiVersion` and `kind`. The caller has already
 * checked that Heddle accepts that pair. Returns every problem found, each with its field path.
 */
export function checkSchema(apiVersion: string, kind: string, resource: Record<string, unknown>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const key of Object.keys(resource)) {
    if (!TOP_LEVEL.has(key)) problems.push(unknownField([], key, TOP_LEVEL));
  }
  if (isObject(resource.metadata)) {
    for (const key of Object.keys(resource.metadata)) {
      if (!METADATA.has(key)) problems.push(unknownField(['metadata'], key, METADATA));
    }
  }
  const tree = FIELD_TREES[`${apiVersion}/${kind}`];
  if (tree && resource.spec !== undefined) walkUnknown(resource.spec, tree, ['spec'], problems);

  const Model = modelClassFor(apiVersion, kind);
  if (Model) {
    try {
      new Model(resource).validate();
    } catch (err) {
      const errors = (err as { errors?: AjvError[] }).errors;
      if (!Array.isArray(errors)) throw err;
      problems.push(...fromAjv(resource, errors));
    }
  }
  return dedupe(problems);
}

function dedupe(problems: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatPath(p.path)}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
