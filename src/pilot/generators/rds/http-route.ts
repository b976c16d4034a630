// A VirtualService's http rules as Envoy routes, in order (first match wins): one route per match
// block, all with the rule's action. Istio's BuildHTTPRoutesForVirtualService and translateRoute.
import { packAny, parseClusterName } from '../../../xds/index.js';
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { VirtualService } from '../../model/push-context.js';
import { resolveGatewayName } from '../../push-context-vs-resolve.js';
import { buildCorsPolicy, CORS_FILTER_NAME, CORS_POLICY_TYPE } from './cors.js';
import { buildHttpFault, FAULT_FILTER_NAME, HTTP_FAULT_TYPE } from './fault.js';
import { translateHeaders } from './header-operations.js';
import { claimPath } from './jwt-claim-match.js';
import { buildDirectResponse, buildRedirect } from './redirect.js';
import { buildRouteAction } from './route-action.js';
import type { RouteContext } from './route-context.js';
import { buildRouteMatch, isCatchAllMatch } from './route-match.js';
import { asVirtualServiceView, type HttpMatchRequest, type HttpRoute } from './virtual-service-view.js';

/**
 * The routes of `vs` for `ctx`, in order. Stops after the first catch-all route, since nothing
 * after it can match. Rules whose match blocks all exclude this proxy (port, sourceLabels,
 * sourceNamespace, gateways) contribute nothing.
 */
export function buildHttpRoutes(vs: VirtualService, ctx: RouteContext): Route[] {
  const spec = asVirtualServiceView(vs.spec);
  const out: Route[] = [];
  for (const rule of spec.http ?? []) {
    const matches: (HttpMatchRequest | undefined)[] = rule.match?.length ? [...rule.match] : [undefined];
    let catchAll = false;
    for (const match of matches) {
      const route = translateRoute(rule, match, vs, ctx);
      if (route) out.push(route);
      if (!match || (route && isCatchAllMatch(route.match ?? {}))) {
        catchAll = true;
        break;
      }
    }
    if (catchAll) break;
  }
  return out;
}

/**
 * True when a match block applies to the proxy the routes are for: its `gateways` (if any) name
 * one of the context's gateways; otherwise its sourceLabels are a subset of the proxy's labels
 * and its sourceNamespace (if any) is the proxy's namespace.
 */
export function sourceMatches(match: HttpMatchRequest | undefined, namespace: string, ctx: RouteContext): boolean {
  if (!match) return true;
  if (match.gateways?.length) return match.gateways.some((g) => ctx.gatewayNames.has(resolveGatewayName(g, namespace)));
  const labels = ctx.proxy.labels;
  if (!Object.entries(match.sourceLabels ?? {}).every(([k, v]) => labels[k] === v)) return false;
  return !match.sourceNamespace || match.sourceNamespace === ctx.proxy.namespace;
}

function translateRoute(rule: HttpRoute, match: HttpMatchRequest | undefined, vs: VirtualService, ctx: RouteContext): Route | undefined {
  const namespace = vs.metadata.namespace;
  if (match?.port && match.port !== ctx.listenerPort) return undefined;
  if (!sourceMatches(match, namespace, ctx)) return undefined;
  const grpc = ctx.flavor === 'grpc';
  if (grpc && !grpcCanRoute(rule, match)) return undefined;
  const out: Route = { match: buildRouteMatch(match) };
  const name = match?.name ? `${rule.name ?? ''}.${match.name}` : rule.name;
  if (name) out.name = name;
  if (match?.statPrefix && !grpc) out.stat_prefix = match.statPrefix;
  const headers = grpc ? undefined : translateHeaders(rule.headers);
  if (headers) {
    if (headers.requestHeadersToAdd.length) out.request_headers_to_add = headers.requestHeadersToAdd;
    if (headers.requestHeadersToRemove.length) out.request_headers_to_remove = headers.requestHeadersToRemove;
    if (headers.responseHeadersToAdd.length) out.response_headers_to_add = headers.responseHeadersToAdd;
    if (headers.responseHeadersToRemove.length) out.response_headers_to_remove = headers.responseHeadersToRemove;
  }
  if (rule.redirect) {
    const redirect = buildRedirect(rule.redirect, ctx.listenerPort, ctx.tls);
    if (!redirect) return undefined;
    out.redirect = redirect;
  } else if (rule.directResponse) {
    out.direct_response = buildDirectResponse(rule.directResponse);
  } else {
    const action = buildRouteAction(rule, namespace, ctx, out, headers?.authority);
    if (!action) return undefined;
    out.route = action;
  }
  if (!grpc) out.decorator = { operation: routeOperation(out, vs.metadata.name, ctx.listenerPort) };
  const perFilter: NonNullable<Route['typed_per_filter_config']> = {};
  const fault = buildHttpFault(rule.fault);
  if (fault) perFilter[FAULT_FILTER_NAME] = packAny(HTTP_FAULT_TYPE, fault);
  if (rule.corsPolicy && !grpc) perFilter[CORS_FILTER_NAME] = packAny(CORS_POLICY_TYPE, buildCorsPolicy(rule.corsPolicy));
  if (Object.keys(perFilter).length > 0) out.typed_per_filter_config = perFilter;
  return out;
}

/**
 * Whether a proxyless gRPC client can follow the rule: it has no redirect or direct response
 * (grpc-js-xds rejects the whole RouteConfiguration over one), and its match needs nothing the
 * client ignores (query parameters, JWT claims), which would otherwise widen the match.
 */
function grpcCanRoute(rule: HttpRoute, match: HttpMatchRequest | undefined): boolean {
  if (rule.redirect || rule.directResponse) return false;
  if (!match) return true;
  if (Object.keys(match.queryParams ?? {}).length > 0) return false;
  const names = [...Object.keys(match.headers ?? {}), ...Object.keys(match.withoutHeaders ?? {})];
  return !names.some((n) => claimPath(n) !== undefined);
}

/** The tracing operation: `host:port/path*` for a lone service cluster, `vsName:port/path*` otherwise. */
function routeOperation(route: Route, vsName: string, port: number): string {
  const m = route.match ?? {};
  const path = m.path ?? (m.safe_regex?.regex !== undefined ? m.safe_regex.regex : `${m.prefix ?? '/'}*`);
  const key = route.route?.cluster ? parseClusterName(route.route.cluster) : undefined;
  return key ? `${key.host}:${key.port}${path}` : `${vsName}:${port}${path}`;
}
