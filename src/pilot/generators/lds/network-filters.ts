// The two terminal network filters of a filter chain: the HTTP connection manager and the TCP proxy.
import { packAny } from '../../../xds/index.js';
import type { Filter } from '../../../xds/generated/envoy/config/listener/v3/Filter.js';
import type { HttpConnectionManager } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager.js';
import type { Rds } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/Rds.js';
import type { TcpProxy } from '../../../xds/generated/envoy/extensions/filters/network/tcp_proxy/v3/TcpProxy.js';
import { durationFromMs } from '../shared/duration.js';

export const HCM_FILTER_NAME = 'envoy.filters.network.http_connection_manager';
export const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
export const TCP_PROXY_FILTER_NAME = 'envoy.filters.network.tcp_proxy';
const TCP_PROXY_TYPE = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

/** RDS over the proxy's ADS stream, for the route configuration `routeName`. */
export function adsRds(routeName: string): Rds {
  return { route_config_name: routeName, config_source: { ads: {}, resource_api_version: 'V3' } };
}

/** The HTTP connection manager as a network filter. */
export function httpConnectionManagerFilter(hcm: HttpConnectionManager): Filter {
  return { name: HCM_FILTER_NAME, typed_config: packAny(HCM_TYPE, hcm) };
}

/** Where a TCP proxy sends connections: one cluster, or clusters with relative weights. */
export type TcpDestination = { readonly cluster: string } | { readonly weighted: readonly { readonly name: string; readonly weight: number }[] };

/** A TCP proxy to `destination`, closing connections idle for `idleTimeoutMs`. */
export function tcpProxyFilter(statPrefix: string, destination: TcpDestination, idleTimeoutMs: number): Filter {
  const proxy: TcpProxy = { stat_prefix: statPrefix, idle_timeout: durationFromMs(idleTimeoutMs) };
  if ('cluster' in destination) proxy.cluster = destination.cluster;
  else proxy.weighted_clusters = { clusters: destination.weighted.map((c) => ({ name: c.name, weight: c.weight })) };
  return { name: TCP_PROXY_FILTER_NAME, typed_config: packAny(TCP_PROXY_TYPE, proxy) };
}
