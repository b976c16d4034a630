// Semantic validation of DestinationRule, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkDns1123Label, checkSelectorLabels } from './common/index.js';
import { checkExportTo } from './common/export-to.js';
import { checkServiceHost } from './common/service-host.js';
import { validateTrafficPolicy, type TrafficPolicyView } from './destination-rule-traffic-policy.js';

/** A DestinationRule spec, as far as validation reads it (the generated type is too heavy to index). */
interface DestinationRuleView {
  readonly host?: string;
  readonly trafficPolicy?: TrafficPolicyView;
  readonly subsets?: ReadonlyArray<{
    readonly name?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly trafficPolicy?: TrafficPolicyView;
  }>;
  readonly exportTo?: readonly string[];
  readonly workloadSelector?: { readonly matchLabels?: Readonly<Record<string, string>> };
}

/** Reports every semantic problem of a DestinationRule. */
export function validateDestinationRule(resource: Resource<'DestinationRule'>, report: Reporter): void {
  const spec = (resource.spec ?? {}) as unknown as DestinationRuleView;
  if (typeof spec.host === 'string') {
    const bad = spec.host === '' ? 'host must not be empty: name the service the rule applies to' : checkServiceHost(spec.host);
    if (bad) report.error(['spec', 'host'], bad);
  }
  if (spec.trafficPolicy) validateTrafficPolicy(spec.trafficPolicy, ['spec', 'trafficPolicy'], report);
  validateSubsets(spec.subsets, report);
  checkExportTo(spec.exportTo, resource.metadata.namespace, ['spec', 'exportTo'], report);
  validateWorkloadSelector(spec, resource.metadata.namespace, report);
}

function validateSubsets(subsets: DestinationRuleView['subsets'], report: Reporter): void {
  const seen = new Set<string>();
  (subsets ?? []).forEach((subset, i) => {
    if (!subset || typeof subset !== 'object') return;
    const at = ['spec', 'subsets', i];
    if (typeof subset.name === 'string') {
      const bad = subset.name === '' ? 'subset name must not be empty' : checkDns1123Label(subset.name);
      if (bad) report.error([...at, 'name'], `invalid subset name: ${bad}`);
      else if (seen.has(subset.name)) report.error([...at, 'name'], `duplicate subset name "${subset.name}": each subset needs its own name`);
      seen.add(subset.name);
    }
    checkSelectorLabels(subset.labels, [...at, 'labels'], report);
    if (subset.trafficPolicy) validateTrafficPolicy(subset.trafficPolicy, [...at, 'trafficPolicy'], report);
  });
}

/**
 * A DestinationRule with a workload selector applies to the selected workloads of its own
 * namespace, so it may be exported to that namespace only.
 */
function validateWorkloadSelector(spec: DestinationRuleView, namespace: string, report: Reporter): void {
  const selector = spec.workloadSelector;
  if (!selector) return;
  const path = ['spec', 'workloadSelector', 'matchLabels'];
  const labels = selector.matchLabels ?? {};
  if (Object.keys(labels).length === 0) {
    report.warning(['spec', 'workloadSelector'], 'the workload selector has no labels, so it selects every workload in the namespace');
  }
  const plain: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (key.includes('*') || (typeof value === 'string' && value.includes('*'))) {
      report.error([...path, key], 'wildcards are not supported in a workload selector: give exact labels');
    } else plain[key] = value;
  }
  checkSelectorLabels(plain, path, report);
  const exportTo = (spec.exportTo ?? []).filter((e): e is string => typeof e === 'string');
  if (exportTo.some((e) => e !== '.' && e !== namespace)) {
    report.error(['spec', 'exportTo'], `a DestinationRule with a workload selector can only be exported to its own namespace: use "."`);
  }
}
