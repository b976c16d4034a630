// Translated routes kept across pushes: a VirtualService's routes (or a service's default route)
// are rebuilt only when the VirtualService, or a service or DestinationRule they looked up, is
// no longer the same object, since most pushes change one service or none.
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { DestinationRule, PushContext, VirtualService } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { Service } from '../../model/service.js';
import { proxyViewKey } from '../cached-generator.js';
import { createPushGenerations, type PushToken } from '../shared/push-generations.js';
import type { RouteContext } from './route-context.js';

/** A lookup the routes made, and what it answered: the same lookup must answer the same object. */
type Lookup =
  | { readonly service: true; readonly host: string; readonly namespace: string | undefined; readonly result: Service | undefined }
  | { readonly service: false; readonly host: string; readonly result: DestinationRule | undefined };

interface RouteEntry {
  readonly part: string;
  /** The context's part of the key (see contextKey). */
  readonly context: string;
  readonly lookups: readonly Lookup[];
  readonly routes: Route[];
}

/** How many builds of one VirtualService or service are kept (views, ports and flavors asking at once). */
const MAX_ENTRIES_PER_SOURCE = 16;

/** Routes reused across pushes; see {@link createRouteCache}. */
export interface RouteCache {
  /** Starts serving `push`: what neither it nor the push before it asks for is dropped. */
  rotate(push: PushToken): void;
  /**
   * The routes `build` gives for `source` (a VirtualService, or a service for its default
   * route) in `ctx`, built again only when `source`, `part`, the proxy's view (see proxyViewKey),
   * the context's flavor, port, gateways and TLS, or the answer of any lookup the last build made
   * on the push context (services and DestinationRules) differ.
   */
  routes(source: VirtualService | Service, part: string, ctx: RouteContext, build: (ctx: RouteContext) => Route[]): Route[];
  /** VirtualServices and services held, for tests. */
  readonly size: number;
}

/**
 * Creates an empty cache. A build that reads anything of the push context other than
 * `service` and `destinationRuleFor` is not kept, so a builder that starts reading more stays
 * correct (only slower) until this file learns about it.
 */
export function createRouteCache(): RouteCache {
  const bySource = createPushGenerations<object, RouteEntry[]>();
  return {
    rotate: (push) => bySource.rotate(push),
    routes(source, part, ctx, build) {
      const context = contextKey(ctx);
      let entries = bySource.get(source);
      if (!entries) bySource.set(source, (entries = []));
      const at = entries.findIndex((e) => e.part === part && e.context === context);
      const found = at >= 0 ? entries[at] : undefined;
      if (found && found.lookups.every((l) => answers(ctx.push, ctx.proxy, l))) return found.routes;
      const recorder = recordLookups(ctx.push, ctx.proxy);
      const routes = build({ ...ctx, push: recorder.push });
      if (at >= 0) entries.splice(at, 1);
      if (recorder.cacheable) {
        entries.unshift({ part, context, lookups: recorder.lookups, routes });
        if (entries.length > MAX_ENTRIES_PER_SOURCE) entries.length = MAX_ENTRIES_PER_SOURCE;
      }
      return routes;
    },
    get size() {
      return bySource.size;
    },
  };
}

/** What a context contributes to an entry's key, worked out once per context (a context serves a whole route configuration). */
const contextKeys = new WeakMap<RouteContext, string>();

function contextKey(ctx: RouteContext): string {
  let key = contextKeys.get(ctx);
  if (key === undefined) {
    key = `${ctx.flavor}|${ctx.listenerPort}|${ctx.tls}|${[...ctx.gatewayNames].join(',')}|${proxyViewKey(ctx.proxy)}`;
    contextKeys.set(ctx, key);
  }
  return key;
}

function answers(push: PushContext, proxy: Proxy, lookup: Lookup): boolean {
  return lookup.service ? push.service(lookup.host, lookup.namespace) === lookup.result : push.destinationRuleFor(proxy, lookup.host) === lookup.result;
}

/** A push context that notes the lookups made through it, and whether anything else was read. */
function recordLookups(push: PushContext, viewer: Proxy): { push: PushContext; lookups: Lookup[]; cacheable: boolean } {
  const out = { push, lookups: [] as Lookup[], cacheable: true };
  const untracked = () => {
    out.cacheable = false;
  };
  out.push = {
    get version() {
      untracked();
      return push.version;
    },
    get mesh() {
      untracked();
      return push.mesh;
    },
    get config() {
      untracked();
      return push.config;
    },
    servicesFor: (proxy) => (untracked(), push.servicesFor(proxy)),
    endpoints: (hostname, port, namespace) => (untracked(), push.endpoints(hostname, port, namespace)),
    virtualServicesFor: (proxy, gateway) => (untracked(), push.virtualServicesFor(proxy, gateway)),
    gatewaysFor: (proxy) => (untracked(), push.gatewaysFor(proxy)),
    service(host, namespace) {
      const result = push.service(host, namespace);
      // Routes to several subsets of one host ask the same thing again: it need be checked only once.
      if (!out.lookups.some((l) => l.service && l.host === host && l.namespace === namespace)) out.lookups.push({ service: true, host, namespace, result });
      return result;
    },
    destinationRuleFor(proxy, host) {
      const result = push.destinationRuleFor(proxy, host);
      if (proxy !== viewer) untracked();
      else if (!out.lookups.some((l) => !l.service && l.host === host)) out.lookups.push({ service: false, host, result });
      return result;
    },
  };
  return out;
}
