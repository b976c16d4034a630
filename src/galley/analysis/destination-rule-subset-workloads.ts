// IST0173: a DestinationRule subset whose labels select no workload of its service.
import type { ConfigEntry } from '../snapshot.js';
import type { AnalysisContext, Analyzer } from './analyzer.js';
import { namespaceOfHost } from '../../api/hosts.js';
import { formatSelector, selects, type Workload } from './workloads.js';

/**
 * The workloads behind the services `entry`'s host names, or undefined when they cannot be known:
 * a ServiceEntry without endpoints or workload selector (an external name), or a known service
 * whose namespace holds no known workload.
 */
function workloadsBehind(ctx: AnalysisContext, entry: ConfigEntry<'DestinationRule'>): Workload[] | undefined {
  const { spec, metadata } = entry.resource;
  let known = false;
  const pool: Workload[] = [];
  for (const service of ctx.services.lookup(spec.host ?? '', metadata.namespace)) {
    if (service.kind === 'ServiceEntry') {
      const se = service.entry.resource;
      const selector = se.spec.workloadSelector?.labels;
      for (const w of ctx.workloads.inNamespace(se.metadata.namespace)) {
        const endpoint = w.from?.resource.kind === 'ServiceEntry';
        // Its own endpoints, and the workloads (not other ServiceEntries' endpoints) its selector picks.
        if (w.from === service.entry || (selector && !endpoint && selects(selector, w.labels))) pool.push(w);
      }
      if (selector || (se.spec.endpoints ?? []).length > 0) known = true;
    } else {
      const namespace = namespaceOfHost(service.host);
      const candidates = namespace === undefined ? ctx.workloads.all : ctx.workloads.inNamespace(namespace);
      pool.push(...candidates);
      if (candidates.length > 0) known = true;
    }
  }
  return known ? pool : undefined;
}

/**
 * Requests routed to a subset that selects nothing fail with 503 (no healthy upstream). Heddle
 * reports a warning where Istio reports an error, because workloads also join the mesh by
 * registering when their sidecar connects, which no config file shows.
 */
export const destinationRuleSubsetWorkloads: Analyzer = {
  code: 'IST0173',
  name: 'destinationrule.SubsetSelectWorkloadAnalyzer',
  description: "A DestinationRule subset's labels select no workload of its host's service.",
  severity: 'warning',
  analyze(ctx) {
    for (const entry of ctx.snapshot.of('DestinationRule')) {
      const subsets = entry.resource.spec.subsets ?? [];
      if (subsets.length === 0) continue;
      const pool = workloadsBehind(ctx, entry);
      if (!pool) continue;
      subsets.forEach((subset, i) => {
        const labels = subset.labels ?? {};
        if (Object.keys(labels).length === 0 || pool.some((w) => selects(labels, w.labels))) return;
        ctx.report(
          entry,
          ['spec', 'subsets', i, 'labels'],
          `subset "${subset.name}" selects no workload of host "${entry.resource.spec.host}" (labels ${formatSelector(labels)}); requests routed to it fail with 503 (no healthy upstream)`,
        );
      });
    }
  },
};
