// What a security policy applies to: a workload selector, or Gateway API style target references.
import type { FieldPath } from '../../../api/index.js';
import type { Reporter } from '../reporter.js';
import { checkDns1123Subdomain } from './names.js';
import { checkSelectorLabels } from './selector.js';

/** A workload selector as the security kinds spell it. */
export interface WorkloadSelectorLike {
  readonly matchLabels?: Readonly<Record<string, unknown>> | null;
}

/** A policy target reference (`targetRef`, `targetRefs[i]`). */
export interface PolicyTargetRefLike {
  readonly group?: string | null;
  readonly kind?: string | null;
  readonly name?: string | null;
  readonly namespace?: string | null;
}

/** The fields that choose what a security policy applies to. */
export interface PolicyTargetFields {
  readonly selector?: WorkloadSelectorLike | null;
  readonly targetRef?: PolicyTargetRefLike | null;
  readonly targetRefs?: readonly PolicyTargetRefLike[] | null;
}

/** The kinds a policy may target, by API group (`core` is the Kubernetes core group). */
const TARGET_KINDS: ReadonlyArray<{ group: string; kind: string }> = [
  { group: 'core', kind: 'Service' },
  { group: 'networking.istio.io', kind: 'ServiceEntry' },
  { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
];

/**
 * Reports invalid labels of a workload selector at `path`, and warns when the selector has no
 * labels: an empty selector selects every workload, which is rarely what was meant.
 */
export function checkWorkloadSelector(selector: WorkloadSelectorLike | null | undefined, path: FieldPath, report: Reporter): void {
  if (selector === null || selector === undefined) return;
  const labels = selector.matchLabels ?? undefined;
  checkSelectorLabels(labels, [...path, 'matchLabels'], report);
  if (!labels || Object.keys(labels).length === 0) {
    report.warning(path, 'selector has no matchLabels, so it selects every workload; remove it or add labels');
  }
}

/** Reports a target reference that names another namespace or a kind a policy cannot target. */
function checkTargetRef(ref: PolicyTargetRefLike, path: FieldPath, report: Reporter): void {
  if (ref.namespace) {
    report.error([...path, 'namespace'], 'must not be set: a policy can only target resources in its own namespace');
  }
  // A missing kind or a malformed group is a schema error.
  if (!ref.kind || (ref.group && checkDns1123Subdomain(ref.group))) return;
  const group = ref.group ? ref.group : 'core';
  if (!TARGET_KINDS.some((t) => t.group === group && t.kind === ref.kind)) {
    const allowed = TARGET_KINDS.map((t) => (t.group === 'core' ? t.kind : `${t.group}/${t.kind}`)).join(', ');
    const shown = ref.group ? `${ref.group}/${ref.kind}` : ref.kind;
    report.error([...path, 'kind'], `cannot target ${shown}: the target must be one of ${allowed}`);
  }
}

/**
 * Checks `selector`, `targetRef` and `targetRefs` of a policy spec: at most one of them may be set,
 * the selector's labels must be valid, and each reference must name a kind a policy can target.
 */
export function checkPolicyTargets(spec: PolicyTargetFields, report: Reporter): void {
  const set: Array<'selector' | 'targetRef' | 'targetRefs'> = [];
  if (spec.selector !== undefined && spec.selector !== null) set.push('selector');
  if (spec.targetRef !== undefined && spec.targetRef !== null) set.push('targetRef');
  if (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0) set.push('targetRefs');
  for (const field of set.slice(1)) {
    report.error(['spec', field], `cannot be combined with ${set[0]}: set only one of selector, targetRef or targetRefs`);
  }

  checkWorkloadSelector(spec.selector, ['spec', 'selector'], report);
  if (spec.targetRef) checkTargetRef(spec.targetRef, ['spec', 'targetRef'], report);
  if (Array.isArray(spec.targetRefs)) {
    spec.targetRefs.forEach((ref, i) => {
      if (ref) checkTargetRef(ref, ['spec', 'targetRefs', i], report);
    });
  }
}
