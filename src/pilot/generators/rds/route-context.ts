// What route translation needs to know about where the routes will be used.
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { MESH_GATEWAY } from '../../push-context-vs-resolve.js';
import type { RouteCache } from './route-cache.js';

/**
 * Who the routes are for: an Envoy-style sidecar, a gateway (router), or a proxyless gRPC client,
 * which understands only part of the route API.
 */
export type RouteFlavor = 'sidecar' | 'gateway' | 'grpc';

/** The gateway name that stands for every sidecar in the mesh (Istio's `mesh`). */
export { MESH_GATEWAY };

export interface RouteContext {
  readonly proxy: Proxy;
  readonly push: PushContext;
  readonly flavor: RouteFlavor;
  /**
   * The port the routes serve: the service port for sidecars and gRPC, the server port for
   * gateways. Match blocks with another `port` are skipped, and destinations without a port of
   * their own on a multi-port service go to it.
   */
  readonly listenerPort: number;
  /** The gateways the routes are built for: `mesh`, or `namespace/name` of a Gateway. */
  readonly gatewayNames: ReadonlySet<string>;
  /** True when the listener terminates TLS: redirects then default to https. */
  readonly tls: boolean;
  /** Where translated routes are kept across pushes, when the generator keeps them. */
  readonly routeCache?: RouteCache;
}

/** A context for the mesh (sidecars and gRPC clients) on `listenerPort`. */
export function meshRouteContext(
  proxy: Proxy,
  push: PushContext,
  listenerPort: number,
  flavor: 'sidecar' | 'grpc' = 'sidecar',
  routeCache?: RouteCache,
): RouteContext {
  return { proxy, push, flavor, listenerPort, gatewayNames: new Set([MESH_GATEWAY]), tls: false, ...(routeCache ? { routeCache } : {}) };
}
