// IST0174: a DestinationRule is for a host that no service defines.
import type { Analyzer } from './analyzer.js';

/** Checks each DestinationRule's host against the ServiceEntry hosts and known services. */
export const destinationRuleHost: Analyzer = {
  code: 'IST0174',
  name: 'destinationrule.UnknownHostAnalyzer',
  description: 'A DestinationRule is for a host that no ServiceEntry or known service defines, so it configures nothing.',
  severity: 'warning',
  analyze(ctx) {
    for (const entry of ctx.snapshot.of('DestinationRule')) {
      const host = entry.resource.spec.host ?? '';
      if (host === '' || host === '*') continue;
      if (ctx.services.lookup(host, entry.resource.metadata.namespace).length > 0) continue;
      ctx.report(entry, ['spec', 'host'], `host "${host}" is not defined by any ServiceEntry or known service, so the rule configures nothing`);
    }
  },
};
