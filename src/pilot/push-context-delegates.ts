// Delegate VirtualServices merged into the routes of their parents, by Istio's delegate rules.
import type { VirtualServiceSpec } from '../api/index.js';
import type { VirtualService } from './model/push-context.js';
import { isExportedTo, normalizeExportTo } from './registry/export-to.js';

type HttpRoute = NonNullable<VirtualServiceSpec['http']>[number];
type HttpMatch = NonNullable<HttpRoute['match']>[number];
type StringMatch = { exact?: string; prefix?: string; regex?: string };

/**
 * Istio's delegate merge. A VirtualService without hosts is a delegate and is not returned. In a
 * root (one with an http route that names a `delegate`), each such route is replaced by the
 * delegate's routes, each combined with the root route: their matches must be sub-matches of the
 * root's (a delegate route whose matches conflict with every root match is dropped; one that
 * agrees with several root matches gets one merged match each), and the delegate route inherits
 * the root route's rewrite, timeout, retries, fault, mirror, corsPolicy and headers when it sets
 * none. A route whose delegate is missing, or not exported to the root's namespace, is dropped.
 * Order is kept.
 */
export function mergeDelegates(virtualServices: readonly VirtualService[]): VirtualService[] {
  const delegates = new Map<string, VirtualService>();
  for (const vs of virtualServices) {
    if ((vs.spec.hosts ?? []).length === 0) delegates.set(`${vs.metadata.namespace}/${vs.metadata.name}`, vs);
  }
  const out: VirtualService[] = [];
  for (const vs of virtualServices) {
    if ((vs.spec.hosts ?? []).length === 0) continue;
    if (!(vs.spec.http ?? []).some((r) => r.delegate)) {
      out.push(vs);
      continue;
    }
    const http: HttpRoute[] = [];
    for (const route of vs.spec.http ?? []) {
      if (!route.delegate) {
        http.push(route);
        continue;
      }
      const key = `${route.delegate.namespace || vs.metadata.namespace}/${route.delegate.name ?? ''}`;
      const delegate = delegates.get(key);
      if (!delegate || !isExportedTo(normalizeExportTo(delegate.spec.exportTo, delegate.metadata.namespace), vs.metadata.namespace)) continue;
      for (const sub of delegate.spec.http ?? []) {
        const merged = mergeHttpRoute(route, sub);
        if (merged) http.push(merged);
      }
    }
    out.push({ ...vs, spec: { ...vs.spec, http } });
  }
  return out;
}

function mergeHttpRoute(root: HttpRoute, delegate: HttpRoute): HttpRoute | undefined {
  const match = mergeMatches(root.match, delegate.match);
  if (match === 'conflict') return undefined;
  const out: HttpRoute = { ...delegate };
  if (match) out.match = match;
  const name = delegate.name ? (root.name ? `${root.name}-${delegate.name}` : delegate.name) : root.name;
  if (name) out.name = name;
  out.rewrite ??= root.rewrite;
  out.timeout ??= root.timeout;
  out.retries ??= root.retries;
  out.fault ??= root.fault;
  if (!delegate.mirror && !delegate.mirrors) {
    if (root.mirror) out.mirror = root.mirror;
    if (root.mirrors) out.mirrors = root.mirrors;
  }
  out.mirrorPercent ??= root.mirrorPercent;
  out.mirrorPercentage ??= root.mirrorPercentage;
  out.corsPolicy ??= root.corsPolicy;
  out.headers ??= root.headers;
  for (const key of Object.keys(out) as (keyof HttpRoute)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** Each delegate match combined with every root match it does not conflict with; `conflict` when one agrees with none. */
function mergeMatches(root: HttpMatch[] | undefined, delegate: HttpMatch[] | undefined): HttpMatch[] | undefined | 'conflict' {
  if (!root || root.length === 0) return delegate;
  if (!delegate || delegate.length === 0) return root;
  const out: HttpMatch[] = [];
  for (const sub of delegate) {
    const agreeing = root.filter((r) => !matchesConflict(r, sub));
    if (agreeing.length === 0) return 'conflict';
    for (const r of agreeing) out.push(mergeMatch(r, sub));
  }
  return out;
}

function mergeMatch(root: HttpMatch, delegate: HttpMatch): HttpMatch {
  const out: HttpMatch = { ...delegate };
  const name = delegate.name ? (root.name ? `${root.name}-${delegate.name}` : delegate.name) : root.name;
  if (name) out.name = name;
  if (!out.uri && root.uri) out.uri = root.uri;
  if (!out.scheme && root.scheme) out.scheme = root.scheme;
  if (!out.method && root.method) out.method = root.method;
  if (!out.authority && root.authority) out.authority = root.authority;
  if (root.headers || delegate.headers) out.headers = { ...root.headers, ...delegate.headers };
  if (root.withoutHeaders || delegate.withoutHeaders) out.withoutHeaders = { ...root.withoutHeaders, ...delegate.withoutHeaders };
  if (root.queryParams || delegate.queryParams) out.queryParams = { ...root.queryParams, ...delegate.queryParams };
  if (!out.port && root.port) out.port = root.port;
  if (root.sourceLabels || delegate.sourceLabels) out.sourceLabels = { ...root.sourceLabels, ...delegate.sourceLabels };
  if (!out.sourceNamespace && root.sourceNamespace) out.sourceNamespace = root.sourceNamespace;
  if ((!out.gateways || out.gateways.length === 0) && root.gateways) out.gateways = root.gateways;
  return out;
}

/** True when `leaf` cannot be a sub-match of `root`. */
function matchesConflict(root: HttpMatch, leaf: HttpMatch): boolean {
  const pairs: [StringMatch | undefined, StringMatch | undefined][] = [
    [root.uri, leaf.uri],
    [root.scheme, leaf.scheme],
    [root.method, leaf.method],
    [root.authority, leaf.authority],
  ];
  if (pairs.some(([r, l]) => stringMatchConflict(r, l))) return true;
  const mapConflict = (r: Record<string, StringMatch> | undefined, l: Record<string, StringMatch> | undefined) =>
    Object.entries(l ?? {}).some(([k, v]) => stringMatchConflict(r?.[k], v));
  if (mapConflict(root.headers, leaf.headers) || mapConflict(root.withoutHeaders, leaf.withoutHeaders)) return true;
  if (mapConflict(root.queryParams, leaf.queryParams)) return true;
  if (Boolean(root.ignoreUriCase) !== Boolean(leaf.ignoreUriCase)) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) {
    const rv = root.sourceLabels?.[k];
    if (rv !== undefined && rv !== v) return true;
  }
  const rg = root.gateways ?? [];
  const lg = leaf.gateways ?? [];
  return rg.length > 0 && lg.length > 0 && lg.some((g) => !rg.includes(g));
}

/** Istio's rule: a leaf string match must be narrower than the root's; regexes agree only with nothing. */
function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  if (root.regex || leaf.regex) return true;
  if (root.exact) return leaf.exact !== root.exact;
  if (root.prefix) {
    if (leaf.prefix) return !leaf.prefix.startsWith(root.prefix);
    if (leaf.exact) return !leaf.exact.startsWith(root.prefix);
  }
  return true;
}
