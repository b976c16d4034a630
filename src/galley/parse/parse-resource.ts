// One YAML document into a typed, validated Istio resource, or the reasons it is not one.
import {
  apiVersionsOf, checkSchema, closest, isIstioKind, KINDS, type AnyResource, type FieldPath,
} from '../../api/index.js';
import { checkDns1123Label, checkDns1123Subdomain, checkLabelKey, checkLabelValue } from '../validation/common/index.js';
import { validateSemantics } from '../validation/index.js';
import { createIssue, hasErrors, type ConfigIssue, type ResourceRef, type Severity, type SourceLocation } from '../issue.js';
import type { RawDocument } from './yaml-documents.js';

/** The namespace a resource gets when its metadata names none. */
export const DEFAULT_NAMESPACE = 'default';

/** What became of one document. */
export type ParsedResource =
  /** An Istio resource; `issues` may hold warnings. */
  | {
      readonly status: 'valid';
      readonly resource: AnyResource;
      readonly issues: ConfigIssue[];
      /** Where the document starts. */
      readonly location: SourceLocation;
      /** The line of a field of the document. */
      readonly lineOf: (path: FieldPath) => number;
    }
  /** An Istio resource (or an attempt at one) with errors. `ref` names it when it could be read. */
  | { readonly status: 'invalid'; readonly ref?: ResourceRef; readonly issues: ConfigIssue[] }
  /** A resource of another API (a Kubernetes Deployment, say), which Galley does not handle. */
  | { readonly status: 'ignored'; readonly apiVersion: string; readonly kind: string; readonly value: Readonly<Record<string, unknown>> };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIstioGroup(apiVersion: string): boolean {
  return apiVersion.split('/')[0]!.endsWith('istio.io');
}

/**
 * Parses and validates one document read from `file`. The schema is checked first (types, enums,
 * unknown fields), then Istio's semantic rules; every problem is returned, not just the first.
 */
export function parseResource(doc: RawDocument, file: string): ParsedResource {
  const at = (path: FieldPath) => ({ file, line: doc.lineOf(path) });
  const raw = doc.value;
  if (!isObject(raw)) {
    return {
      status: 'invalid',
      issues: [createIssue('error', [], 'expected a resource: a mapping with apiVersion, kind, metadata and spec', { location: at([]) })],
    };
  }
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  const kind = typeof raw.kind === 'string' ? raw.kind : '';
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : DEFAULT_NAMESPACE;
  const ref: ResourceRef = { kind: kind || '<no kind>', namespace, name };
  const issue = (severity: Severity, path: FieldPath, message: string): ConfigIssue =>
    createIssue(severity, path, message, { location: at(path), resource: ref });

  if (!kind) return { status: 'invalid', ref, issues: [issue('error', ['kind'], 'kind is required')] };
  if (!apiVersion) return { status: 'invalid', ref, issues: [issue('error', ['apiVersion'], 'apiVersion is required')] };

  if (!isIstioKind(kind)) {
    const hint = closest(kind, Object.keys(KINDS));
    if (!isIstioGroup(apiVersion) && !hint) return { status: 'ignored', apiVersion, kind, value: raw };
    const message = hint
      ? `unknown kind "${kind}" (did you mean "${hint}"?)`
      : `unknown kind "${kind}" for ${apiVersion}; Heddle accepts ${Object.keys(KINDS).join(', ')}`;
    return { status: 'invalid', ref, issues: [issue('error', ['kind'], message)] };
  }
  const accepted = apiVersionsOf(kind);
  if (!accepted.includes(apiVersion)) {
    const group = apiVersion.split('/')[0]!;
    if (!isIstioGroup(apiVersion) && apiVersion.includes('/') && !closest(group, [KINDS[kind].group])) {
      // A same-named kind of another API group is not ours.
      return { status: 'ignored', apiVersion, kind, value: raw };
    }
    return {
      status: 'invalid',
      ref,
      issues: [issue('error', ['apiVersion'], `unsupported apiVersion "${apiVersion}" for ${kind}; use one of ${accepted.join(', ')}`)],
    };
  }

  const issues: ConfigIssue[] = [];
  if (!name) issues.push(issue('error', ['metadata', 'name'], 'metadata.name is required'));
  else {
    const bad = checkDns1123Subdomain(name);
    if (bad) issues.push(issue('error', ['metadata', 'name'], bad));
  }
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '') {
    const bad = checkDns1123Label(metadata.namespace);
    if (bad) issues.push(issue('error', ['metadata', 'namespace'], `invalid namespace: ${bad}`));
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = metadata[field];
    if (map === undefined || map === null) continue;
    if (!isObject(map)) continue; // reported by the schema
    for (const [key, value] of Object.entries(map)) {
      const badKey = checkLabelKey(key);
      if (badKey) issues.push(issue('error', ['metadata', field, key], badKey));
      if (typeof value !== 'string') issues.push(issue('error', ['metadata', field, key], `${field} values must be strings`));
      else if (field === 'labels') {
        const badValue = checkLabelValue(value);
        if (badValue) issues.push(issue('error', ['metadata', field, key], badValue));
      }
    }
  }

  const schemaProblems = checkSchema(apiVersion, kind, raw);
  for (const p of schemaProblems) issues.push(issue('error', p.path, p.message));

  // As in Kubernetes and protobuf JSON, a null field means the field is unset.
  const spec = isObject(raw.spec) ? (withoutNulls(raw.spec) as Record<string, unknown>) : {};
  const resource = {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace,
      labels: stringMap(metadata.labels),
      annotations: stringMap(metadata.annotations),
      ...(typeof metadata.resourceVersion === 'string' ? { resourceVersion: metadata.resourceVersion } : {}),
    },
    spec,
  } as AnyResource;

  try {
    for (const p of validateSemantics(resource)) issues.push(issue(p.severity, p.path, p.message));
  } catch (err) {
    // Semantic rules assume the schema's types; with schema errors they may trip over a bad value.
    // Without schema errors a throw is a validator bug: report it on this resource alone.
    if (schemaProblems.length === 0) {
      issues.push(issue('error', [], `internal error while validating this resource: ${(err as Error).message}`));
    }
  }

  if (hasErrors(issues)) return { status: 'invalid', ref, issues };
  return { status: 'valid', resource, issues, location: { file, line: doc.line }, lineOf: doc.lineOf };
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (val !== null) out[k] = withoutNulls(val);
  return out;
}

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}
