// IST0132: a VirtualService is bound to a Gateway that serves none of its hosts.
import type { Analyzer } from './analyzer.js';
import { parseGatewayRef } from './gateway-ref.js';
import { hostsOverlap, resolveHost } from '../../api/hosts.js';

/**
 * The hosts a Gateway server offers to VirtualServices of `namespace`. Server hosts may be
 * `ns/host`: `*` and the VirtualService's namespace match, `.` is the Gateway's own namespace.
 */
function offeredHosts(serverHosts: readonly string[], gatewayNamespace: string, namespace: string): string[] {
  const out: string[] = [];
  for (const entry of serverHosts) {
    const slash = entry.indexOf('/');
    if (slash < 0) {
      out.push(entry.toLowerCase());
      continue;
    }
    const ns = entry.slice(0, slash);
    const owner = ns === '.' ? gatewayNamespace : ns;
    if (owner === '*' || owner === namespace) out.push(entry.slice(slash + 1).toLowerCase());
  }
  return out;
}

/**
 * A Gateway takes from a VirtualService only the hosts its servers offer. When it offers none of
 * them, the binding does nothing. Missing Gateways are left to the gateway reference check.
 */
export const virtualServiceGatewayHost: Analyzer = {
  code: 'IST0132',
  name: 'virtualservice.GatewayHostAnalyzer',
  description: 'A VirtualService is bound to a Gateway whose servers offer none of its hosts.',
  severity: 'warning',
  analyze(ctx) {
    for (const entry of ctx.snapshot.of('VirtualService')) {
      const { spec, metadata } = entry.resource;
      const hosts = spec.hosts ?? [];
      if (hosts.length === 0) continue; // a delegate
      (spec.gateways ?? []).forEach((ref, i) => {
        const gw = parseGatewayRef(ref, metadata.namespace);
        if (gw.mesh) return;
        const gateway = ctx.snapshot.get('Gateway', gw.namespace, gw.name);
        if (!gateway) return;
        const offered = offeredHosts((gateway.resource.spec.servers ?? []).flatMap((s) => s.hosts ?? []), gw.namespace, metadata.namespace);
        const served = hosts.some((h) => {
          const raw = h.toLowerCase();
          const resolved = resolveHost(h, metadata.namespace);
          return offered.some((o) => hostsOverlap(o, raw) || hostsOverlap(o, resolved));
        });
        if (served) return;
        ctx.report(
          entry,
          ['spec', 'gateways', i],
          `None of the hosts ${hosts.join(', ')} is offered by Gateway ${gw.namespace}/${gw.name} (it offers ${offered.join(', ') || 'no host to this namespace'}), so the binding has no effect`,
        );
      });
    }
  },
};
