// IST0101: a VirtualService routes or mirrors to a host that no service defines.
import type { Analyzer } from './analyzer.js';
import { destinationsOf } from './virtual-service-destinations.js';

/**
 * Checks every route and mirror destination against the ServiceEntry hosts and known services,
 * and, when only ServiceEntries define the host, that a chosen port is one of theirs.
 */
export const virtualServiceDestinationHost: Analyzer = {
  code: 'IST0101',
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'A route or mirror destination names a host that no ServiceEntry or known service defines.',
  severity: 'error',
  analyze(ctx) {
    for (const entry of ctx.snapshot.of('VirtualService')) {
      const namespace = entry.resource.metadata.namespace;
      for (const d of destinationsOf(entry.resource.spec)) {
        const what = d.mirror ? 'mirror host' : 'host';
        const matches = ctx.services.lookup(d.host, namespace);
        if (matches.length === 0) {
          ctx.report(entry, [...d.path, 'host'], `${what} "${d.host}" is not defined by any ServiceEntry or known service`);
          continue;
        }
        if (d.port === undefined || matches.some((m) => m.kind === 'known')) continue;
        const ports = new Set(matches.flatMap((m) => (m.kind === 'ServiceEntry' ? (m.entry.resource.spec.ports ?? []).map((p) => p.number) : [])));
        if (!ports.has(d.port)) {
          const listed = [...ports].sort((a, b) => a - b).join(', ') || 'none';
          ctx.report(entry, [...d.path, 'port', 'number'], `port ${d.port} of ${what} "${d.host}" is not defined: its ServiceEntry ports are ${listed}`);
        }
      }
    }
  },
};
