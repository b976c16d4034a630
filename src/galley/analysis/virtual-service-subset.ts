// IST0101: a VirtualService routes to a subset that no DestinationRule for the host defines.
import type { Analyzer } from './analyzer.js';
import { createDestinationRuleIndex } from './destination-rules.js';
import { destinationsOf } from './virtual-service-destinations.js';

/** Checks that every destination subset is defined by a DestinationRule that applies to its host. */
export const virtualServiceSubset: Analyzer = {
  code: 'IST0101',
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'A route or mirror destination names a subset that no DestinationRule for its host defines.',
  severity: 'error',
  analyze(ctx) {
    const rules = createDestinationRuleIndex(ctx.snapshot);
    for (const entry of ctx.snapshot.of('VirtualService')) {
      const namespace = entry.resource.metadata.namespace;
      for (const d of destinationsOf(entry.resource.spec)) {
        if (d.subset === undefined) continue;
        const found = rules.forHost(d.host, namespace);
        if (found.some((r) => (r.resource.spec.subsets ?? []).some((s) => s.name === d.subset))) continue;
        let why: string;
        if (found.length === 0) {
          why = 'no DestinationRule applies to the host';
        } else {
          const names = found.map((r) => `${r.resource.metadata.namespace}/${r.resource.metadata.name}`).join(', ');
          const subsets = found.flatMap((r) => (r.resource.spec.subsets ?? []).map((s) => s.name));
          why = `DestinationRule ${names} defines ${subsets.length > 0 ? `only ${subsets.join(', ')}` : 'no subsets'}`;
        }
        ctx.report(entry, [...d.path, 'subset'], `subset "${d.subset}" of host "${d.host}" is not defined: ${why}`);
      }
    }
  },
};
