// The router's route lookup for one RouteConfiguration: virtual host by authority, then the first
// route whose conditions all hold, compiled once per config.
import type { Route, RouteConfig, VirtualHost } from '../config/route.js';
import type { RequestHead } from '../http/message.js';
import { pathEnd } from './request-attributes.js';
import { createRouteMatcher, type RouteMatcher } from './route-matcher.js';
import { createVirtualHostSelector } from './virtual-host-selector.js';

/** The virtual host and route a request goes to. */
export interface RouteSelection {
  readonly virtualHost: VirtualHost;
  readonly route: Route;
}

/** A compiled route configuration. */
export interface RouteTable {
  readonly config: RouteConfig;
  /**
   * The virtual host and the first matching route for `head`, or undefined (Envoy's NR: no
   * virtual host or no route). `random` gives uniform draws in [0, 1) for runtime fractions and
   * defaults to Math.random. The result is shared, not allocated per call: do not mutate it.
   */
  select(head: RequestHead, random?: () => number): RouteSelection | undefined;
}

interface CompiledHost {
  readonly matchers: readonly RouteMatcher[];
  readonly selections: readonly RouteSelection[];
  readonly needsSample: boolean;
  /** For a require_tls host: the redirect to https that a request without TLS gets instead. */
  readonly tlsRedirect?: RouteSelection;
}

/** What a require_tls virtual host answers to plain-text requests: 301 to the same URL over https. */
const TLS_REDIRECT_ROUTE: Route = Object.freeze<Route>({
  name: 'require_tls',
  match: { path: { kind: 'prefix', value: '/' }, caseSensitive: true, headers: [], queryParameters: [] },
  action: { kind: 'redirect', scheme: 'https', responseCode: 301, stripQuery: false },
  headers: { requestHeadersToAdd: [], requestHeadersToRemove: [], responseHeadersToAdd: [], responseHeadersToRemove: [] },
});

/** Compiles `config`: domain maps, route predicates and RE2 patterns are built here, once. */
export function createRouteTable(config: RouteConfig): RouteTable {
  const selector = createVirtualHostSelector(config.virtualHosts, config.ignorePortInHostMatching);
  const hosts = new Map<VirtualHost, CompiledHost>();
  for (const vh of config.virtualHosts) {
    hosts.set(vh, {
      matchers: vh.routes.map((r) => createRouteMatcher(r.match)),
      selections: vh.routes.map((route) => Object.freeze({ virtualHost: vh, route })),
      needsSample: vh.routes.some((r) => r.match.runtimeFractionPpm !== undefined),
      ...(vh.requireTls === 'ALL' ? { tlsRedirect: Object.freeze({ virtualHost: vh, route: TLS_REDIRECT_ROUTE }) } : {}),
    });
  }
  return {
    config,
    select(head: RequestHead, random: () => number = Math.random): RouteSelection | undefined {
      const vh = selector.select(head.authority);
      if (vh === undefined) return undefined;
      const host = hosts.get(vh)!;
      // Envoy judges TLS by x-forwarded-proto, which the connection manager has set by now.
      if (host.tlsRedirect !== undefined && head.headers.get('x-forwarded-proto') !== 'https') return host.tlsRedirect;
      const end = pathEnd(head.path);
      const sample = host.needsSample ? random() : 0;
      const matchers = host.matchers;
      for (let i = 0; i < matchers.length; i++) if (matchers[i]!(head, end, sample)) return host.selections[i];
      return undefined;
    },
  };
}
