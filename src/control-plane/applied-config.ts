// Config applied over the control plane's API (`heddle apply`): an overlay on the watched files.
// Each applied resource is a Galley unit of its own, named so that it sorts after every file, and
// Galley lets the later unit win: an applied resource takes precedence over a file's resource with
// the same kind, namespace and name, until it is deleted. Applied config lives as long as the
// control plane process, or, with a store, until it is deleted: a restarted control plane (one
// that `heddle up` restarts after a crash) serves what was applied before.
import { stringify } from 'yaml';
import { createIssue, formatIssue, issuesOf, parseConfigText, type ConfigUnit, type Galley } from '../galley/index.js';

/** Unit ids of applied resources start with this; `~` sorts after any path, so they win. */
export const APPLIED_UNIT_PREFIX = '~applied/';

/** What apply or delete did to one resource, as kubectl words it. */
export type AppliedAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'not found';

export interface AppliedResult {
  /** `virtualservice.networking.istio.io/reviews`, kubectl's name for the resource. */
  readonly resource: string;
  readonly namespace: string;
  readonly action: AppliedAction;
  /** Why a delete left it serving: it comes from a file. */
  readonly note?: string;
}

export type ApplyOutcome =
  | { readonly ok: true; readonly version: number; readonly results: readonly AppliedResult[] }
  | { readonly ok: false; readonly issues: readonly string[] };

/** The overlay of applied config over a Galley. */
export interface AppliedConfig {
  /** Validates every resource of `text` (read from `file`); if all are valid, serves them all in one snapshot. */
  apply(text: string, file: string): ApplyOutcome;
  /** Removes the applied resources that `text` names; a resource that comes from a file keeps serving. */
  delete(text: string, file: string): ApplyOutcome;
}

/** Where applied config is kept between control plane runs. */
export interface AppliedStore {
  /** Its name, for messages and as the file name of the resources it gives back. */
  readonly name: string;
  /** The applied resources as multi-document YAML, or undefined when nothing was kept. */
  load(): string | undefined;
  /** Replaces what is kept with `yaml` (empty: nothing is applied). */
  save(yaml: string): void;
}

interface Parsed {
  readonly units: { id: string; kind: string; namespace: string; name: string; display: string; unit: ConfigUnit; json: string; resource: unknown }[];
}

function parse(text: string, file: string): Parsed | { issues: string[] } {
  const parsed = parseConfigText(text, file);
  const issues = issuesOf(parsed).filter((i) => i.severity === 'error');
  if (issues.length > 0) return { issues: issues.map(formatIssue) };
  const units: Parsed['units'] = [];
  for (const result of parsed.results) {
    if (result.status !== 'valid') continue;
    const r = result.resource;
    const namespace = r.metadata.namespace ?? 'default';
    const group = r.apiVersion.split('/')[0];
    units.push({
      id: `${APPLIED_UNIT_PREFIX}${r.kind}/${namespace}/${r.metadata.name}`,
      kind: r.kind,
      namespace,
      name: r.metadata.name,
      display: `${r.kind.toLowerCase()}.${group}/${r.metadata.name}`,
      unit: { id: `${APPLIED_UNIT_PREFIX}${r.kind}/${namespace}/${r.metadata.name}`, parsed: { file, results: [result], fileIssues: [] } },
      json: JSON.stringify(r),
      resource: r,
    });
  }
  if (units.length === 0) return { issues: [formatIssue(createIssue('error', [], 'no Istio resources to apply', { location: { file, line: 1 } }))] };
  return { units };
}

/** The outcome of loading a store's resources at start: how many were applied, or why none were. */
export type AppliedLoad = { readonly ok: true; readonly count: number } | { readonly ok: false; readonly issues: readonly string[] };

/**
 * Creates the overlay; it feeds `galley` through {@link Galley.apply}. With a `store`, what the
 * store holds is applied first (`onLoad` tells how that went), and every successful apply or
 * delete saves the whole applied set back to it.
 */
export function createAppliedConfig(galley: Galley, store?: AppliedStore, onLoad?: (outcome: AppliedLoad) => void): AppliedConfig {
  // Applied resources by unit id, in the order they were first applied.
  const applied = new Map<string, unknown>();
  const current = (u: Parsed['units'][number]) => galley.snapshot().get(u.kind as never, u.namespace, u.name);
  const save = () => store?.save([...applied.values()].map((r) => stringify(r)).join('---\n'));
  const overlay: AppliedConfig = {
    apply(text, file) {
      const parsed = parse(text, file);
      if ('issues' in parsed) return { ok: false, issues: parsed.issues };
      const before = parsed.units.map((u) => current(u));
      galley.apply(parsed.units.map((u) => u.unit));
      const results: AppliedResult[] = [];
      const issues: string[] = [];
      parsed.units.forEach((u, i) => {
        applied.set(u.id, u.resource);
        const now = current(u);
        if (!now || JSON.stringify(now.resource) !== u.json) issues.push(`${file}: ${u.kind} ${u.namespace}/${u.name}: the control plane did not take it; see /debug/rejectionz`);
        const was = before[i];
        const action: AppliedAction = !was ? 'created' : JSON.stringify(was.resource) === u.json ? 'unchanged' : 'configured';
        results.push({ resource: u.display, namespace: u.namespace, action });
      });
      if (issues.length > 0) return { ok: false, issues };
      save();
      return { ok: true, version: galley.snapshot().version, results };
    },
    delete(text, file) {
      const parsed = parse(text, file);
      if ('issues' in parsed) return { ok: false, issues: parsed.issues };
      const removed = parsed.units.filter((u) => applied.has(u.id));
      galley.apply(removed.map((u) => ({ id: u.id })));
      const results = parsed.units.map((u): AppliedResult => {
        const was = applied.delete(u.id);
        const still = current(u);
        const note = still?.location ? `it is defined in ${still.location.file}:${still.location.line}; remove it there` : undefined;
        return { resource: u.display, namespace: u.namespace, action: was ? 'deleted' : 'not found', ...(note ? { note } : {}) };
      });
      if (removed.length > 0) save();
      return { ok: true, version: galley.snapshot().version, results };
    },
  };
  const kept = store?.load();
  if (kept !== undefined && kept.trim() !== '') {
    const outcome = overlay.apply(kept, store!.name);
    onLoad?.(outcome.ok ? { ok: true, count: outcome.results.length } : { ok: false, issues: outcome.issues });
  }
  return overlay;
}
