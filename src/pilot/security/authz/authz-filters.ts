// AuthorizationPolicy and RequestAuthentication as the JWT and RBAC filters of a filter chain.
import type { Filter } from '../../../xds/generated/envoy/config/listener/v3/Filter.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { FilterChainContext } from '../../generators/lds/listener-security.js';

/** HTTP filters, in Istio's order: JWT authentication, then RBAC (CUSTOM, DENY, ALLOW). */
export function authorizationHttpFilters(_ctx: FilterChainContext): readonly HttpFilter[] {
  return [];
}

/** Network filters before a TCP proxy: RBAC on connections. */
export function authorizationNetworkFilters(_ctx: FilterChainContext): readonly Filter[] {
  return [];
}
