// IST0127: a policy or Sidecar selects workloads by labels, and no workload has them.
import type { FieldPath, IstioKind } from '../../api/index.js';
import type { ConfigEntry } from '../snapshot.js';
import { ROOT_NAMESPACE, type Analyzer } from './analyzer.js';
import { formatSelector, selects, type LabelSelector } from './workloads.js';

type SelectingKind = 'AuthorizationPolicy' | 'PeerAuthentication' | 'RequestAuthentication' | 'Sidecar';

/** Where each kind keeps its workload selector. */
const SELECTORS: { [K in SelectingKind]: (entry: ConfigEntry<K>) => { labels?: LabelSelector; path: FieldPath } } = {
  AuthorizationPolicy: (e) => ({ labels: e.resource.spec.selector?.matchLabels, path: ['spec', 'selector', 'matchLabels'] }),
  PeerAuthentication: (e) => ({ labels: e.resource.spec.selector?.matchLabels, path: ['spec', 'selector', 'matchLabels'] }),
  RequestAuthentication: (e) => ({ labels: e.resource.spec.selector?.matchLabels, path: ['spec', 'selector', 'matchLabels'] }),
  Sidecar: (e) => ({ labels: e.resource.spec.workloadSelector?.labels, path: ['spec', 'workloadSelector', 'labels'] }),
};

/**
 * A selector picks workloads of the resource's own namespace; in the root namespace it may pick
 * workloads of any namespace. A resource without a selector applies to its whole namespace (or,
 * in the root namespace, to the mesh) and is not checked. Istio's own analyzer reports a Sidecar
 * selecting nothing as IST0101 (an error); Heddle reports every kind as IST0127, a warning,
 * because workloads also join by registering when their sidecar connects.
 */
export const policySelector: Analyzer = {
  code: 'IST0127',
  name: 'security.SelectorAnalyzer',
  description: 'An AuthorizationPolicy, PeerAuthentication, RequestAuthentication or Sidecar selector matches no workload.',
  severity: 'warning',
  analyze(ctx) {
    for (const kind of Object.keys(SELECTORS) as SelectingKind[]) {
      const selectorOf = SELECTORS[kind] as (e: ConfigEntry<IstioKind>) => { labels?: LabelSelector; path: FieldPath };
      for (const entry of ctx.snapshot.of(kind)) {
        const { labels, path } = selectorOf(entry);
        if (!labels || Object.keys(labels).length === 0) continue;
        const namespace = entry.resource.metadata.namespace;
        const candidates = namespace === ROOT_NAMESPACE ? ctx.workloads.all : ctx.workloads.inNamespace(namespace);
        if (candidates.some((w) => selects(labels, w.labels))) continue;
        const where = namespace === ROOT_NAMESPACE ? 'in the mesh' : `in namespace ${namespace}`;
        ctx.report(entry, path, `no workload ${where} has the labels ${formatSelector(labels)}, so the selector picks nothing`);
      }
    }
  },
};
