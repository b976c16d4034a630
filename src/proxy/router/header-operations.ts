// Applies the request and response header operations of the levels a request went through, in
// Envoy's order: weighted cluster, route, virtual host, route configuration.
import type { HeaderOperations, HeaderValueOption, RouteConfig, VirtualHost, Route, WeightedCluster } from '../config/route.js';
import type { HeaderMap } from '../http/headers.js';
import { formatHeaderValue, type HeaderFormatContext } from './header-formatter.js';

/** The levels whose header operations apply to one request; `cluster` is the weighted cluster, if any. */
export interface HeaderLevels {
  readonly config: RouteConfig;
  readonly virtualHost: VirtualHost;
  readonly route: Route;
  readonly cluster?: WeightedCluster;
}

/**
 * Applies the request header operations of every level to `headers`. The most specific level
 * goes first and the route configuration last, so with Envoy's default
 * (most_specific_header_mutations_wins: false) the less specific level wins an overwrite. At each
 * level removals come before additions.
 */
export function applyRequestHeaderOperations(headers: HeaderMap, levels: HeaderLevels, ctx: HeaderFormatContext): void {
  if (levels.cluster) applyLevel(headers, levels.cluster.headers.requestHeadersToRemove, levels.cluster.headers.requestHeadersToAdd, ctx);
  applyOps(headers, levels.route.headers, true, ctx);
  applyOps(headers, levels.virtualHost.headers, true, ctx);
  applyOps(headers, levels.config.headers, true, ctx);
}

/** Applies the response header operations of every level to `headers`, in the same order as requests. */
export function applyResponseHeaderOperations(headers: HeaderMap, levels: HeaderLevels, ctx: HeaderFormatContext): void {
  if (levels.cluster) applyLevel(headers, levels.cluster.headers.responseHeadersToRemove, levels.cluster.headers.responseHeadersToAdd, ctx);
  applyOps(headers, levels.route.headers, false, ctx);
  applyOps(headers, levels.virtualHost.headers, false, ctx);
  applyOps(headers, levels.config.headers, false, ctx);
}

function applyOps(headers: HeaderMap, ops: HeaderOperations, request: boolean, ctx: HeaderFormatContext): void {
  if (request) applyLevel(headers, ops.requestHeadersToRemove, ops.requestHeadersToAdd, ctx);
  else applyLevel(headers, ops.responseHeadersToRemove, ops.responseHeadersToAdd, ctx);
}

/**
 * One level: remove, then add. An added value that formats to '' is skipped, as Envoy does
 * without keep_empty_value.
 */
export function applyLevel(headers: HeaderMap, remove: readonly string[], add: readonly HeaderValueOption[], ctx: HeaderFormatContext): void {
  for (let i = 0; i < remove.length; i++) headers.remove(remove[i]!);
  for (let i = 0; i < add.length; i++) {
    const op = add[i]!;
    const value = formatHeaderValue(op.value, ctx);
    if (value === '') continue;
    const name = op.name.toLowerCase();
    switch (op.action) {
      case 'append':
        headers.add(name, value);
        break;
      case 'add_if_absent':
        if (!headers.has(name)) headers.add(name, value);
        break;
      case 'overwrite':
        headers.set(name, value);
        break;
    }
  }
}
