// Istio's traffic policy merge: portLevelSettings replace the destination-level policy for their
// port, and a subset's policy overrides, field by field, what the destination level resolved to.
import type { DestinationRuleView, ResolvedTrafficPolicy, Subset, TrafficPolicy } from '../../../api/index.js';

/**
 * The policy that applies to `port`: the matching `portLevelSettings` entry when there is one
 * (taken whole: its omitted fields fall back to defaults, not to the destination level), and the
 * destination-level policy otherwise. Istio's GetPortLevelTrafficPolicy.
 */
export function portTrafficPolicy(policy: TrafficPolicy | undefined, port: number): { policy: ResolvedTrafficPolicy | undefined; portLevel: boolean } {
  if (!policy) return { policy: undefined, portLevel: false };
  const settings = policy.portLevelSettings?.find((p) => p.port?.number === port);
  if (!settings) return { policy: withoutPortLevel(policy), portLevel: false };
  return {
    policy: { connectionPool: settings.connectionPool, loadBalancer: settings.loadBalancer, outlierDetection: settings.outlierDetection, tls: settings.tls },
    portLevel: true,
  };
}

/**
 * The policy of subset traffic on `port`: the destination-level policy for the port, overridden
 * by each field the subset sets. When the subset has port-level settings for the port they
 * replace all four fields, set or not. Istio's MergeSubsetTrafficPolicy.
 */
export function mergeSubsetTrafficPolicy(
  destination: TrafficPolicy | undefined,
  subset: TrafficPolicy | undefined,
  port: number,
): ResolvedTrafficPolicy | undefined {
  const base = portTrafficPolicy(destination, port).policy;
  if (!subset) return base;
  const { policy: own, portLevel } = portTrafficPolicy(subset, port);
  if (!base || !own) return own ?? base;
  return {
    connectionPool: own.connectionPool || portLevel ? own.connectionPool : base.connectionPool,
    loadBalancer: own.loadBalancer || portLevel ? own.loadBalancer : base.loadBalancer,
    outlierDetection: own.outlierDetection || portLevel ? own.outlierDetection : base.outlierDetection,
    tls: own.tls || portLevel ? own.tls : base.tls,
  };
}

/** The subset called `name` in a DestinationRule, if it defines one. */
export function findSubset(rule: DestinationRuleView | undefined, name: string): Subset | undefined {
  return rule?.subsets?.find((s) => s.name === name);
}

/**
 * The traffic policy for traffic to `port` of the rule's host, and to `subset` when given (an
 * empty string means no subset). For a subset the rule does not define, the destination-level
 * policy.
 */
export function destinationTrafficPolicy(rule: DestinationRuleView | undefined, port: number, subset = ''): ResolvedTrafficPolicy | undefined {
  if (!rule) return undefined;
  const own = subset ? findSubset(rule, subset)?.trafficPolicy : undefined;
  return mergeSubsetTrafficPolicy(rule.trafficPolicy, own, port);
}

function withoutPortLevel(policy: TrafficPolicy): ResolvedTrafficPolicy {
  return { connectionPool: policy.connectionPool, loadBalancer: policy.loadBalancer, outlierDetection: policy.outlierDetection, tls: policy.tls };
}
