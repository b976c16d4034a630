// The HTTP filter chain of a connection manager, in Istio's order: policy (from the security
// hook), fault, CORS, router last. Proxyless gRPC clients get fault and router only.
import { packAny } from '../../../xds/index.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import { CORS_FILTER_NAME } from '../rds/cors.js';
import { FAULT_FILTER_NAME, HTTP_FAULT_TYPE } from '../rds/fault.js';
import type { FilterChainContext, ListenerSecurity } from './listener-security.js';

export const ROUTER_FILTER_NAME = 'envoy.filters.http.router';
const ROUTER_TYPE = 'envoy.extensions.filters.http.router.v3.Router';
const CORS_TYPE = 'envoy.extensions.filters.http.cors.v3.Cors';

/** The fault filter, with an empty config: routes turn it on through typed_per_filter_config. */
export function faultFilter(): HttpFilter {
  return { name: FAULT_FILTER_NAME, typed_config: packAny(HTTP_FAULT_TYPE, {}) };
}

/** The CORS filter; routes carry their policies. */
export function corsFilter(): HttpFilter {
  return { name: CORS_FILTER_NAME, typed_config: packAny(CORS_TYPE, {}) };
}

/** The router, which must come last. */
export function routerFilter(): HttpFilter {
  return { name: ROUTER_FILTER_NAME, typed_config: packAny(ROUTER_TYPE, {}) };
}

/** The filters of an Envoy-style connection manager: the hook's policy filters, then fault, CORS and router. */
export function buildHttpFilters(ctx: FilterChainContext, security: ListenerSecurity): HttpFilter[] {
  return [...security.httpFilters(ctx), faultFilter(), corsFilter(), routerFilter()];
}

/** The filters of a proxyless gRPC listener: the ones grpc-js-xds implements. */
export function grpcHttpFilters(): HttpFilter[] {
  return [faultFilter(), routerFilter()];
}
