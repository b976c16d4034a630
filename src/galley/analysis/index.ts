// Cross-resource analysis behind `heddle analyze`: one analyzer per check, run over a snapshot.
import type { ConfigIssue } from '../issue.js';
import type { ConfigSnapshot } from '../snapshot.js';
import { createAnalysisContext, createAnalysisIndexes, type AnalysisOptions, type Analyzer } from './analyzer.js';
import { destinationRuleConflict } from './destination-rule-conflict.js';
import { destinationRuleHost } from './destination-rule-host.js';
import { destinationRuleSubsetWorkloads } from './destination-rule-subset-workloads.js';
import { gatewaySelector } from './gateway-selector.js';
import { policySelector } from './policy-selector.js';
import { virtualServiceDestinationHost } from './virtual-service-destination-host.js';
import { virtualServiceGateway } from './virtual-service-gateway.js';
import { virtualServiceGatewayHost } from './virtual-service-gateway-host.js';
import { virtualServiceMeshHostConflict } from './virtual-service-mesh-host-conflict.js';
import { virtualServiceSubset } from './virtual-service-subset.js';
import { virtualServiceUnreachableRule } from './virtual-service-unreachable-rule.js';

export { ROOT_NAMESPACE, type AnalysisContext, type AnalysisOptions, type Analyzer } from './analyzer.js';

/** Every analyzer, in the order their findings are reported for one line. */
export const ANALYZERS: readonly Analyzer[] = Object.freeze([
  virtualServiceDestinationHost,
  virtualServiceSubset,
  virtualServiceGateway,
  virtualServiceGatewayHost,
  virtualServiceMeshHostConflict,
  virtualServiceUnreachableRule,
  destinationRuleHost,
  destinationRuleSubsetWorkloads,
  destinationRuleConflict,
  policySelector,
  gatewaySelector,
]);

/**
 * Runs `analyzers` (all of them by default) over the snapshot and returns their findings, sorted
 * by file and line; findings without a location keep their order at the end.
 */
export function analyze(snapshot: ConfigSnapshot, options: AnalysisOptions = {}, analyzers: readonly Analyzer[] = ANALYZERS): ConfigIssue[] {
  const indexes = createAnalysisIndexes(snapshot, options);
  const issues: ConfigIssue[] = [];
  for (const analyzer of analyzers) analyzer.analyze(createAnalysisContext(indexes, analyzer, issues));
  const order = new Map(issues.map((issue, i) => [issue, i]));
  return issues.sort((a, b) => {
    if (a.location && b.location) {
      if (a.location.file !== b.location.file) return a.location.file < b.location.file ? -1 : 1;
      if (a.location.line !== b.location.line) return a.location.line - b.location.line;
    } else if (a.location || b.location) {
      return a.location ? -1 : 1;
    }
    return order.get(a)! - order.get(b)!;
  });
}
export { knownFromKubernetesObjects } from './kubernetes-objects.js';
