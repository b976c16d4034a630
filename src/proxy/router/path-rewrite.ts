// The request rewrites a route action asks for: prefix_rewrite and regex_rewrite of the path
// (keeping the query), and host_rewrite_literal; the path as sent goes to x-envoy-original-path.
import type { PathMatch, RouteAction, WeightedCluster } from '../config/route.js';
import type { RequestHead } from '../http/message.js';
import { pathEnd } from './request-attributes.js';
import { regexRewriterFor, type RegexRewriteSpec } from './regex-rewrite.js';

/** The header that carries the path as the client sent it, after a rewrite. */
export const ORIGINAL_PATH_HEADER = 'x-envoy-original-path';

/** The path rewrites of a route or redirect action. */
export interface PathRewriteSpec {
  readonly prefixRewrite?: string;
  readonly regexRewrite?: RegexRewriteSpec;
}

/**
 * The rewritten `path`, or undefined when `spec` asks for no rewrite. `prefixRewrite` replaces
 * the part `match` matched (the prefix, or the whole path for an exact `path` match; it does not
 * apply to a regex match); `regexRewrite` replaces every match in the path without its query.
 * The query string is kept either way.
 */
export function rewritePath(path: string, match: PathMatch, spec: PathRewriteSpec): string | undefined {
  if (spec.prefixRewrite !== undefined) {
    if (match.kind === 'regex') return undefined;
    const matched = match.kind === 'path' ? pathEnd(path) : Math.min(match.value.length, path.length);
    return spec.prefixRewrite + path.slice(matched);
  }
  if (spec.regexRewrite !== undefined) {
    const end = pathEnd(path);
    const rewritten = regexRewriterFor(spec.regexRewrite)(end === path.length ? path : path.slice(0, end));
    return end === path.length ? rewritten : rewritten + path.slice(end);
  }
  return undefined;
}

/**
 * Applies `action`'s rewrites to `head` in place, after the route was chosen by `match`: the
 * path (saving the original in x-envoy-original-path, as Envoy does by default) and the
 * authority for host_rewrite_literal (the picked weighted cluster's own one wins over the
 * action's). auto_host_rewrite needs the chosen endpoint and is left to
 * the caller. Returns whether the path changed.
 */
export function applyRequestRewrites(head: RequestHead, match: PathMatch, action: RouteAction, cluster?: WeightedCluster): boolean {
  const host = cluster?.hostRewrite ?? action.hostRewrite;
  if (host !== undefined) head.authority = host;
  if (action.prefixRewrite === undefined && action.regexRewrite === undefined) return false;
  const path = rewritePath(head.path, match, action);
  if (path === undefined) return false;
  head.headers.set(ORIGINAL_PATH_HEADER, head.path);
  head.path = path;
  return true;
}
