// The route half of a DestinationRule's consistentHash: Envoy hashes on the route, and the
// cluster only says RING_HASH or MAGLEV. The RDS generator puts these on each route action.
import type { _envoy_config_route_v3_RouteAction_HashPolicy as HashPolicy } from '../../../xds/generated/envoy/config/route/v3/RouteAction.js';
import type { DestinationRuleView, ResolvedTrafficPolicy } from '../../../api/index.js';
import { destinationTrafficPolicy } from './merge-traffic-policy.js';
import { parseDurationText } from './duration.js';

/**
 * The route hash policies for a resolved traffic policy (see `destinationTrafficPolicy`): one
 * entry for the consistentHash key (header, cookie, source IP or query parameter), or none when
 * the policy has no consistentHash. Istio's consistentHashToHashPolicy.
 */
export function hashPolicyFor(policy: ResolvedTrafficPolicy | undefined): HashPolicy[] {
  const hash = policy?.loadBalancer?.consistentHash;
  if (!hash) return [];
  if (hash.httpHeaderName !== undefined) return [{ header: { header_name: hash.httpHeaderName } }];
  if (hash.httpCookie) {
    const { name, path, ttl, attributes } = hash.httpCookie;
    const cookie: NonNullable<HashPolicy['cookie']> = { name };
    if (path) cookie.path = path;
    const duration = parseDurationText(ttl);
    if (duration) cookie.ttl = duration;
    if (attributes?.length) cookie.attributes = attributes.map((a) => (a.value === undefined ? { name: a.name } : { name: a.name, value: a.value }));
    return [{ cookie }];
  }
  if (hash.useSourceIp) return [{ connection_properties: { source_ip: true } }];
  if (hash.httpQueryParameterName !== undefined) return [{ query_parameter: { name: hash.httpQueryParameterName } }];
  return [];
}

/**
 * The route hash policies for traffic to `port` (and `subset`, if any) of a DestinationRule's
 * host: the subset and port-level settings merged as for the cluster.
 */
export function hashPolicyForDestination(rule: DestinationRuleView | undefined, port: number, subset = ''): HashPolicy[] {
  return hashPolicyFor(destinationTrafficPolicy(rule, port, subset));
}
