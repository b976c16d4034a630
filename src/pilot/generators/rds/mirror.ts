// Traffic mirroring: Istio's mirror (with mirrorPercentage) and mirrors as request mirror policies.
import type { _envoy_config_route_v3_RouteAction_RequestMirrorPolicy as RequestMirrorPolicy } from '../../../xds/generated/envoy/config/route/v3/RouteAction.js';
import type { FractionalPercent } from '../../../xds/generated/envoy/type/v3/FractionalPercent.js';
import type { PushContext } from '../../model/push-context.js';
import { resolveDestination } from './destination.js';
import { percentPerMillion } from './fault.js';
import type { Destination, HttpRoute, Percent } from './virtual-service-view.js';

const ALL: FractionalPercent = { numerator: 100, denominator: 'HUNDRED' };

/** The share to mirror: 100% when not given; undefined (no mirroring) for an explicit 0. */
function mirrorShare(percentage: Percent | undefined, legacyPercent?: number): FractionalPercent | undefined {
  if (percentage !== undefined) return (percentage.value ?? 0) > 0 ? percentPerMillion(percentage) : undefined;
  if (legacyPercent !== undefined) return legacyPercent > 0 ? { numerator: legacyPercent, denominator: 'HUNDRED' } : undefined;
  return ALL;
}

/**
 * The mirror policies of a rule: `mirror` first, then each of `mirrors`, each sent to its
 * destination's cluster for its share of requests. Mirrored requests are not trace-sampled.
 */
export function buildMirrorPolicies(rule: HttpRoute, namespace: string, push: PushContext, listenerPort: number): RequestMirrorPolicy[] {
  const out: RequestMirrorPolicy[] = [];
  const add = (dest: Destination, share: FractionalPercent | undefined): void => {
    if (!share) return;
    const { cluster } = resolveDestination(dest, namespace, push, listenerPort);
    out.push({ cluster, runtime_fraction: { default_value: share }, trace_sampled: { value: false } });
  };
  if (rule.mirror) add(rule.mirror, mirrorShare(rule.mirrorPercentage, rule.mirrorPercent));
  for (const m of rule.mirrors ?? []) add(m.destination, mirrorShare(m.percentage));
  return out;
}
