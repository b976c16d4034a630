// IST0101: a VirtualService is bound to a Gateway that does not exist.
import type { FieldPath } from '../../api/index.js';
import type { Analyzer } from './analyzer.js';
import { parseGatewayRef } from './gateway-ref.js';

/** Checks `spec.gateways` and the `gateways` of every match block against the Gateways in the config. */
export const virtualServiceGateway: Analyzer = {
  code: 'IST0101',
  name: 'virtualservice.GatewayAnalyzer',
  description: 'A VirtualService names a Gateway (in spec.gateways or a match) that does not exist.',
  severity: 'error',
  analyze(ctx) {
    for (const entry of ctx.snapshot.of('VirtualService')) {
      const { spec, metadata } = entry.resource;
      const refs: { ref: string; path: FieldPath }[] = [];
      (spec.gateways ?? []).forEach((ref, i) => refs.push({ ref, path: ['spec', 'gateways', i] }));
      for (const protocol of ['http', 'tcp', 'tls'] as const) {
        (spec[protocol] ?? []).forEach((rule, i) => {
          (rule.match ?? []).forEach((m, j) => {
            (m.gateways ?? []).forEach((ref, k) => refs.push({ ref, path: ['spec', protocol, i, 'match', j, 'gateways', k] }));
          });
        });
      }
      for (const { ref, path } of refs) {
        const gw = parseGatewayRef(ref, metadata.namespace);
        if (gw.mesh || ctx.snapshot.get('Gateway', gw.namespace, gw.name)) continue;
        ctx.report(entry, path, `gateway "${ref}" does not exist: there is no Gateway ${gw.namespace}/${gw.name}`);
      }
    }
  },
};
