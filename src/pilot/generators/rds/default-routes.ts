// Routes Pilot makes without a VirtualService: a service's default route, the catch-all virtual
// host for unknown destinations, and the inbound route to the local app.
import { PASSTHROUGH_CLUSTER, outboundClusterName } from '../../../xds/index.js';
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import type { ServiceProtocol } from '../../model/service.js';
import { hashPolicyForDestination } from '../shared/hash-policy.js';
import { buildGrpcRetryPolicy, buildRetryPolicy } from './retry-policy.js';
import { applyTimeout } from './route-action.js';
import type { RouteContext } from './route-context.js';

/** Istio's name for a route made without a VirtualService. */
export const DEFAULT_ROUTE_NAME = 'default';
/** The catch-all virtual host under ALLOW_ANY and under REGISTRY_ONLY. */
export const ALLOW_ANY_VHOST = 'allow_any';
export const BLOCK_ALL_VHOST = 'block_all';

const HTTP_PROTOCOLS: ReadonlySet<ServiceProtocol> = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'UNKNOWN']);

/** True for ports whose traffic is routed as HTTP: HTTP, HTTP2, gRPC, and sniffed (unknown) ports. */
export function isHttpOrSniffed(protocol: ServiceProtocol): boolean {
  return HTTP_PROTOCOLS.has(protocol);
}

/**
 * The route to a service's port when no VirtualService routes it: everything to
 * `outbound|port||host`, no timeout, the default retry policy, and the DestinationRule's
 * consistent-hash policy if it has one.
 */
export function buildDefaultServiceRoute(hostname: string, port: number, ctx: RouteContext): Route {
  const rule = ctx.push.destinationRuleFor(ctx.proxy, hostname);
  const hashes = hashPolicyForDestination(rule?.spec, port, '');
  const grpc = ctx.flavor === 'grpc';
  const route: Route = { name: DEFAULT_ROUTE_NAME, match: { prefix: '/' }, route: { cluster: outboundClusterName(port, '', hostname) } };
  const action = route.route!;
  applyTimeout(action, undefined, ctx.flavor);
  const usable = grpc ? hashes.filter((h) => h.header) : hashes;
  if (usable.length > 0) action.hash_policy = usable;
  const retry = grpc ? buildGrpcRetryPolicy(undefined) : buildRetryPolicy(undefined, hashes.length > 0);
  if (retry) action.retry_policy = retry;
  if (!grpc) route.decorator = { operation: `${hostname}:${port}/*` };
  return route;
}

/**
 * The last virtual host of a sidecar route configuration, for hosts no service claims: under
 * ALLOW_ANY it forwards to PassthroughCluster with no timeout; under REGISTRY_ONLY it answers 502.
 * The object is shared and deeply frozen, so that its encoding is kept across pushes.
 */
export function buildCatchAllVirtualHost(outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY'): VirtualHost {
  if (outboundTrafficPolicy === 'ALLOW_ANY') {
    return (allowAny ??= deepFreeze({
      name: ALLOW_ANY_VHOST,
      domains: ['*'],
      routes: [{ name: ALLOW_ANY_VHOST, match: { prefix: '/' }, route: { cluster: PASSTHROUGH_CLUSTER, timeout: { seconds: 0 }, max_stream_duration: { grpc_timeout_header_max: { seconds: 0 } } } }],
      include_request_attempt_count: true,
    }));
  }
  return (blockAll ??= deepFreeze({
    name: BLOCK_ALL_VHOST,
    domains: ['*'],
    routes: [{ name: BLOCK_ALL_VHOST, match: { prefix: '/' }, direct_response: { status: 502 } }],
    include_request_attempt_count: true,
  }));
}

let allowAny: VirtualHost | undefined;
let blockAll: VirtualHost | undefined;

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) deepFreeze(child);
  return Object.freeze(value);
}

/**
 * The route of an inbound listener: everything to the app's `inbound|port||` cluster with no
 * timeout, retrying (twice) only requests reset before they reached the app.
 */
export function buildInboundRoute(cluster: string, operation?: string): Route {
  const route: Route = {
    name: DEFAULT_ROUTE_NAME,
    match: { prefix: '/' },
    route: {
      cluster,
      timeout: { seconds: 0 },
      max_stream_duration: { max_stream_duration: { seconds: 0 }, grpc_timeout_header_max: { seconds: 0 } },
      retry_policy: { retry_on: 'reset-before-request', num_retries: { value: 2 } },
    },
  };
  if (operation) route.decorator = { operation };
  return route;
}
