// AuthorizationPolicy and RequestAuthentication as the JWT and RBAC filters of a filter chain.
import type { Filter } from '../../../xds/generated/envoy/config/listener/v3/Filter.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { FilterChainContext } from '../../generators/lds/listener-security.js';
import type { PushContext } from '../../model/push-context.js';
import { authzPolicyIndexOf } from './authz-policy-index.js';
import { buildCustomHttpFilters } from './ext-authz-filter.js';
import type { JwksFetchMode } from './jwks-fetch-mode.js';
import { createJwksResolver, type JwksResolver } from './jwks-resolver.js';
import { buildJwtAuthnFilter } from './jwt-authn-filter.js';
import { buildRbacHttpFilters, buildRbacNetworkFilters } from './rbac-filters.js';

/** The policy filters of filter chains; what a workload gets depends only on its namespace and labels. */
export interface AuthorizationFilters {
  /** jwt_authn, then CUSTOM (shadow RBAC and ext_authz), DENY, ALLOW and AUDIT RBAC; none on sidecar outbound chains. */
  httpFilters(ctx: FilterChainContext): readonly HttpFilter[];
  /** Network RBAC for DENY, ALLOW and AUDIT; none on sidecar outbound chains. */
  networkFilters(ctx: FilterChainContext): readonly Filter[];
}

export interface AuthorizationFilterOptions {
  /** Where jwksUri key sets come from when Pilot inlines them. */
  readonly jwks: JwksResolver;
  /** Who fetches jwksUri key sets (PILOT_JWT_ENABLE_REMOTE_JWKS); `istiod` (Pilot inlines) by default. */
  readonly jwksFetchMode?: JwksFetchMode;
}

interface Built {
  http?: readonly HttpFilter[];
  tcp?: readonly Filter[];
}

/** Creates the filter builder; results are shared within a push by workloads of one namespace with the same labels. */
export function createAuthorizationFilters(options: AuthorizationFilterOptions): AuthorizationFilters {
  const cache = new WeakMap<PushContext, Map<string, Built>>();
  const slot = (ctx: FilterChainContext): Built => {
    let perPush = cache.get(ctx.push);
    if (!perPush) cache.set(ctx.push, (perPush = new Map()));
    const labels = Object.entries(ctx.proxy.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = `${ctx.listenerClass}\n${ctx.proxy.namespace}\n${JSON.stringify(labels)}`;
    let built = perPush.get(key);
    if (!built) perPush.set(key, (built = {}));
    return built;
  };
  return {
    httpFilters(ctx) {
      if (ctx.listenerClass === 'sidecar-outbound') return [];
      const built = slot(ctx);
      if (!built.http) {
        const index = authzPolicyIndexOf(ctx.push);
        const policies = index.authorizationPoliciesFor(ctx.proxy);
        const mode = options.jwksFetchMode ?? 'istiod';
        const remote = mode === 'istiod' ? undefined : { mode, push: ctx.push, proxy: ctx.proxy };
        const jwt = buildJwtAuthnFilter(index.requestAuthenticationsFor(ctx.proxy), options.jwks, remote);
        built.http = Object.freeze([...(jwt ? [jwt] : []), ...buildCustomHttpFilters(policies.custom, ctx.push.mesh), ...buildRbacHttpFilters(policies)]);
      }
      return built.http;
    },
    networkFilters(ctx) {
      if (ctx.listenerClass === 'sidecar-outbound') return [];
      const built = slot(ctx);
      built.tcp ??= Object.freeze(buildRbacNetworkFilters(authzPolicyIndexOf(ctx.push).authorizationPoliciesFor(ctx.proxy)));
      return built.tcp;
    },
  };
}

/**
 * The key sets the control plane fetches for RequestAuthentications with a jwksUri. Subscribe
 * with `onChange` to push when one is first fetched or changes.
 */
export const JWKS_RESOLVER: JwksResolver = createJwksResolver();

const DEFAULT_FILTERS = createAuthorizationFilters({ jwks: JWKS_RESOLVER });

/** HTTP filters, in Istio's order: JWT authentication, then RBAC (CUSTOM, DENY, ALLOW). */
export function authorizationHttpFilters(ctx: FilterChainContext): readonly HttpFilter[] {
  return DEFAULT_FILTERS.httpFilters(ctx);
}

/** Network filters before a TCP proxy: RBAC on connections. */
export function authorizationNetworkFilters(ctx: FilterChainContext): readonly Filter[] {
  return DEFAULT_FILTERS.networkFilters(ctx);
}
