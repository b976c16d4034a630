// IST0127: a Gateway selects gateway workloads by labels, and no workload has them.
import type { Analyzer } from './analyzer.js';
import { formatSelector, selects } from './workloads.js';

/** The selectors of the gateways that Heddle runs itself, as Istio installs them. */
const BUILT_IN = [{ istio: 'ingressgateway' }, { istio: 'egressgateway' }];

function isBuiltIn(selector: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(selector);
  return BUILT_IN.some((b) => keys.length === Object.keys(b).length && selects(b, selector));
}

/**
 * A Gateway's selector picks proxies in any namespace. The built-in ingress and egress gateway
 * selectors are not checked, since those proxies are not described in config.
 */
export const gatewaySelector: Analyzer = {
  code: 'IST0127',
  name: 'gateway.SelectorAnalyzer',
  description: "A Gateway's selector matches no workload, so no proxy serves it.",
  severity: 'warning',
  analyze(ctx) {
    for (const entry of ctx.snapshot.of('Gateway')) {
      const selector = entry.resource.spec.selector ?? {};
      if (Object.keys(selector).length === 0 || isBuiltIn(selector)) continue;
      if (ctx.workloads.all.some((w) => selects(selector, w.labels))) continue;
      ctx.report(entry, ['spec', 'selector'], `no workload has the labels ${formatSelector(selector)}, so no proxy serves this Gateway`);
    }
  },
};
