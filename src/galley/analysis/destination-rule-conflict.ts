// HDL0001: two DestinationRules of one namespace configure the same host, and part of one is lost.
import type { ConfigEntry } from '../snapshot.js';
import type { Analyzer } from './analyzer.js';
import { hostOfRule } from './destination-rules.js';

/**
 * Istio merges the DestinationRules (without workload selector) of one namespace for one host:
 * subsets are combined, but only one top-level traffic policy is kept, and of subsets with the
 * same name only one is kept. This reports the parts that a merge drops.
 */
export const destinationRuleConflict: Analyzer = {
  code: 'HDL0001',
  name: 'destinationrule.ConflictingHostAnalyzer',
  description: 'DestinationRules in one namespace for the same host both set a traffic policy or define the same subset; only one takes effect.',
  severity: 'warning',
  analyze(ctx) {
    const groups = new Map<string, ConfigEntry<'DestinationRule'>[]>();
    for (const entry of ctx.snapshot.of('DestinationRule')) {
      const { spec, metadata } = entry.resource;
      if (Object.keys(spec.workloadSelector?.matchLabels ?? {}).length > 0) continue;
      const key = `${metadata.namespace}\0${hostOfRule(entry)}`;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(entry);
    }
    for (const list of groups.values()) {
      for (let i = 1; i < list.length; i++) {
        const entry = list[i]!;
        const { spec } = entry.resource;
        const earlier = list.slice(0, i);
        const withPolicy = earlier.find((e) => e.resource.spec.trafficPolicy !== undefined);
        if (spec.trafficPolicy !== undefined && withPolicy) {
          ctx.report(
            entry,
            ['spec', 'trafficPolicy'],
            `DestinationRule ${withPolicy.resource.metadata.name} in the same namespace also sets a traffic policy for host "${spec.host}"; only one of them takes effect`,
          );
        }
        (spec.subsets ?? []).forEach((subset, j) => {
          const twin = earlier.find((e) => (e.resource.spec.subsets ?? []).some((s) => s.name === subset.name));
          if (!twin) return;
          ctx.report(
            entry,
            ['spec', 'subsets', j],
            `DestinationRule ${twin.resource.metadata.name} in the same namespace also defines subset "${subset.name}" for host "${spec.host}"; only one of them takes effect`,
          );
        });
      }
    }
  },
};
