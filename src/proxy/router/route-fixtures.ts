// Builders of route configs and request heads for the router's and filters' tests, with every
// field defaulted as the xDS decoder defaults it.
import type { HeaderOperations, PathMatch, Route, RouteAction, RouteConfig, RouteMatch, VirtualHost } from '../config/route.js';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead } from '../http/message.js';

/** No header operations. */
export const NO_HEADER_OPS: HeaderOperations = {
  requestHeadersToAdd: [],
  requestHeadersToRemove: [],
  responseHeadersToAdd: [],
  responseHeadersToRemove: [],
};

/** A request head; `headers` lists name/value pairs in order. */
export function requestHead(path: string, opts: { method?: string; authority?: string; scheme?: 'http' | 'https'; headers?: [string, string][] } = {}): RequestHead {
  return {
    method: opts.method ?? 'GET',
    path,
    authority: opts.authority ?? 'example.com',
    scheme: opts.scheme ?? 'http',
    protocol: 'HTTP/1.1',
    headers: new HeaderMap((opts.headers ?? []).flat()),
  };
}

/** A route action to one cluster, or to the given weighted clusters. */
export function routeAction(overrides: Partial<RouteAction> = {}): RouteAction {
  const clusters = overrides.clusters ?? [{ name: 'outbound|9080||a.default.svc.cluster.local', weight: 1, headers: NO_HEADER_OPS }];
  return {
    kind: 'route',
    clusters,
    totalWeight: clusters.reduce((s, c) => s + c.weight, 0),
    autoHostRewrite: false,
    timeoutMs: 0,
    hashPolicies: [],
    mirrors: [],
    upgrades: [],
    ...overrides,
  };
}

/** A route match on `path` with no other condition. */
export function routeMatch(path: PathMatch, overrides: Partial<RouteMatch> = {}): RouteMatch {
  return { path, caseSensitive: true, headers: [], queryParameters: [], ...overrides };
}

/** A route named `name`. */
export function route(name: string, match: RouteMatch, overrides: Partial<Route> = {}): Route {
  return { name, match, action: routeAction(), headers: NO_HEADER_OPS, ...overrides };
}

/** A virtual host. */
export function virtualHost(name: string, domains: string[], routes: Route[] = [], overrides: Partial<VirtualHost> = {}): VirtualHost {
  return { name, domains, routes, headers: NO_HEADER_OPS, includeRequestAttemptCount: true, ...overrides };
}

/** A route configuration. */
export function routeConfig(virtualHosts: VirtualHost[], overrides: Partial<RouteConfig> = {}): RouteConfig {
  return { name: '9080', virtualHosts, headers: NO_HEADER_OPS, ignorePortInHostMatching: true, ...overrides };
}

/** A `random` that returns `values` in turn and throws when they run out, so tests see every draw. */
export function draws(...values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`unexpected random draw #${i + 1}`);
    return values[i++]!;
  };
}
