// The forwarding half of an HTTP rule: clusters and weights, timeout, retries, rewrites, mirrors
// and consistent-hash policies, for Envoy-style proxies or proxyless gRPC clients.
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { RouteAction, _envoy_config_route_v3_RouteAction_HashPolicy as HashPolicy } from '../../../xds/generated/envoy/config/route/v3/RouteAction.js';
import type { _envoy_config_route_v3_WeightedCluster_ClusterWeight as ClusterWeight } from '../../../xds/generated/envoy/config/route/v3/WeightedCluster.js';
import type { Duration } from '../../../xds/generated/google/protobuf/Duration.js';
import { hashPolicyForDestination } from '../shared/hash-policy.js';
import { parseDurationText } from '../shared/duration.js';
import { resolveDestination, type ResolvedDestination } from './destination.js';
import { translateHeaders } from './header-operations.js';
import { buildMirrorPolicies } from './mirror.js';
import { buildGrpcRetryPolicy, buildRetryPolicy } from './retry-policy.js';
import type { RouteContext } from './route-context.js';
import { re2 } from './string-match.js';
import type { HttpRoute, HttpRouteDestination } from './virtual-service-view.js';

const NO_TIMEOUT: Duration = { seconds: 0 };

/**
 * Sets the route timeout. Off (0) by default and whenever the rule injects faults (DESIGN §5).
 * Envoy-style proxies also cap a gRPC request's own `grpc-timeout` with it (0: uncapped);
 * gRPC clients read only `max_stream_duration`.
 */
export function applyTimeout(action: RouteAction, timeout: Duration | undefined, flavor: RouteContext['flavor']): void {
  const t = timeout ?? NO_TIMEOUT;
  const positive = Number(t.seconds ?? 0) > 0 || (t.nanos ?? 0) > 0;
  if (flavor === 'grpc') {
    action.max_stream_duration = positive ? { max_stream_duration: t, grpc_timeout_header_max: t } : { max_stream_duration: t };
    return;
  }
  action.timeout = t;
  action.max_stream_duration = { grpc_timeout_header_max: t };
}

/**
 * The route action of a rule that forwards to `rule.route`, or undefined when it names no
 * destination. Per-destination headers of a lone destination go on `out` (the route); weighted
 * destinations carry their own. `authority` is a rewrite asked for by the rule's headers.
 */
export function buildRouteAction(rule: HttpRoute, namespace: string, ctx: RouteContext, out: Route, authority?: string): RouteAction | undefined {
  const grpc = ctx.flavor === 'grpc';
  const destinations = rule.route ?? [];
  if (destinations.length === 0) return undefined;
  const action: RouteAction = {};
  const faulty = rule.fault !== undefined;
  applyTimeout(action, faulty ? undefined : parseDurationText(rule.timeout), ctx.flavor);
  let hostRewrite = authority;
  if (!grpc) {
    hostRewrite = applyRewrite(action, rule) ?? authority;
    const mirrors = buildMirrorPolicies(rule, namespace, ctx.push, ctx.listenerPort);
    if (mirrors.length > 0) action.request_mirror_policies = mirrors;
  }
  if (hostRewrite) action.host_rewrite_literal = hostRewrite;
  const hashes: HashPolicy[] = [];
  if (destinations.length === 1) {
    const [only] = destinations as [HttpRouteDestination];
    const dest = resolveDestination(only.destination, namespace, ctx.push, ctx.listenerPort);
    action.cluster = dest.cluster;
    if (!grpc) applyLoneDestinationHeaders(only, action, out);
    hashes.push(...hashPolicies(dest, ctx));
  } else {
    const weighted = destinations.some((d) => (d.weight ?? 0) > 0) ? destinations.filter((d) => (d.weight ?? 0) > 0) : destinations;
    const clusters: ClusterWeight[] = weighted.map((d) => {
      const dest = resolveDestination(d.destination, namespace, ctx.push, ctx.listenerPort);
      for (const h of hashPolicies(dest, ctx)) if (!hashes.some((x) => JSON.stringify(x) === JSON.stringify(h))) hashes.push(h);
      return clusterWeight(d, dest.cluster, grpc);
    });
    action.weighted_clusters = { clusters };
  }
  if (hashes.length > 0) action.hash_policy = grpc ? hashes.filter((h) => h.header) : hashes;
  if (action.hash_policy?.length === 0) delete action.hash_policy;
  if (!faulty) {
    const retry = grpc ? buildGrpcRetryPolicy(rule.retries) : buildRetryPolicy(rule.retries, destinations.length === 1 && hashes.length > 0);
    if (retry) action.retry_policy = retry;
  }
  return action;
}

/** The hash policies of a destination's DestinationRule (subset and port-level settings merged). */
function hashPolicies(dest: ResolvedDestination, ctx: RouteContext): HashPolicy[] {
  const rule = ctx.push.destinationRuleFor(ctx.proxy, dest.host);
  return hashPolicyForDestination(rule?.spec, dest.port, dest.subset);
}

/** Applies `rewrite.uri` or `uriRegexRewrite`; returns the authority rewrite it asks for. */
function applyRewrite(action: RouteAction, rule: HttpRoute): string | undefined {
  const rewrite = rule.rewrite;
  if (!rewrite) return undefined;
  const regex = rewrite.uriRegexRewrite;
  if (regex?.match !== undefined) action.regex_rewrite = { pattern: re2(regex.match), substitution: regex.rewrite ?? '' };
  else if (rewrite.uri) action.prefix_rewrite = rewrite.uri;
  return rewrite.authority || undefined;
}

function applyLoneDestinationHeaders(d: HttpRouteDestination, action: RouteAction, out: Route): void {
  if (!d.headers) return;
  const h = translateHeaders(d.headers);
  if (h.requestHeadersToAdd.length) out.request_headers_to_add = [...(out.request_headers_to_add ?? []), ...h.requestHeadersToAdd];
  if (h.requestHeadersToRemove.length) out.request_headers_to_remove = [...(out.request_headers_to_remove ?? []), ...h.requestHeadersToRemove];
  if (h.responseHeadersToAdd.length) out.response_headers_to_add = [...(out.response_headers_to_add ?? []), ...h.responseHeadersToAdd];
  if (h.responseHeadersToRemove.length) out.response_headers_to_remove = [...(out.response_headers_to_remove ?? []), ...h.responseHeadersToRemove];
  if (h.authority && !action.host_rewrite_literal) action.host_rewrite_literal = h.authority;
}

function clusterWeight(d: HttpRouteDestination, name: string, grpc: boolean): ClusterWeight {
  const out: ClusterWeight = { name, weight: { value: d.weight && d.weight > 0 ? d.weight : 1 } };
  if (grpc || !d.headers) return out;
  const h = translateHeaders(d.headers);
  if (h.requestHeadersToAdd.length) out.request_headers_to_add = h.requestHeadersToAdd;
  if (h.requestHeadersToRemove.length) out.request_headers_to_remove = h.requestHeadersToRemove;
  if (h.responseHeadersToAdd.length) out.response_headers_to_add = h.responseHeadersToAdd;
  if (h.responseHeadersToRemove.length) out.response_headers_to_remove = h.responseHeadersToRemove;
  if (h.authority) out.host_rewrite_literal = h.authority;
  return out;
}
