// Envoy's HttpConnectionManager network filter as the runtime HttpConnectionManagerConfig, with Envoy's defaults.
import type { HttpConnectionManager__Output } from '../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager.js';
import type { HttpConnectionManagerConfig } from '../config/listener.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs, wrapped, wrappedBool } from './duration.js';
import { decodeHttpFilters } from './http-filters.js';
import { decodeRouteConfigurationMessage } from './route-configuration.js';

/** Envoy's defaults for the connection manager. */
export const HCM_DEFAULTS = Object.freeze({
  streamIdleTimeoutMs: 300_000,
  requestTimeoutMs: 0,
  requestHeadersTimeoutMs: 0,
  maxRequestHeadersKb: 60,
});

const CODECS: Readonly<Record<string, HttpConnectionManagerConfig['codec']>> = { AUTO: 'auto', HTTP1: 'http1', HTTP2: 'http2' };

/**
 * An HttpConnectionManager: RDS name or inline route config (scoped routes are an error), the
 * HTTP filter chain, codec (HTTP/3 is an error), timeouts, header limit and request-id settings.
 */
export function decodeHttpConnectionManager(m: HttpConnectionManager__Output, errors: DecodeErrors, path: string): HttpConnectionManagerConfig | undefined {
  let rdsRouteConfigName: string | undefined;
  let routeConfig: HttpConnectionManagerConfig['routeConfig'];
  switch (m.route_specifier) {
    case 'rds':
      rdsRouteConfigName = m.rds?.route_config_name;
      if (!rdsRouteConfigName) errors.add(`${path}.rds.route_config_name`, 'route config name missing');
      break;
    case 'route_config':
      if (m.route_config) routeConfig = decodeRouteConfigurationMessage(m.route_config, errors, `${path}.route_config`);
      break;
    case 'scoped_routes':
      errors.add(`${path}.scoped_routes`, 'scoped routes are not supported');
      break;
    default:
      errors.add(path, 'no route_specifier set (rds or route_config)');
  }
  const codec = CODECS[m.codec_type];
  if (!codec) errors.add(`${path}.codec_type`, `unsupported codec ${String(m.codec_type)}`);
  const upgradeTypes = m.upgrade_configs.filter((u) => wrappedBool(u.enabled, true)).map((u) => u.upgrade_type.toLowerCase());
  return {
    statPrefix: m.stat_prefix,
    ...(rdsRouteConfigName !== undefined ? { rdsRouteConfigName } : {}),
    ...(routeConfig !== undefined ? { routeConfig } : {}),
    httpFilters: decodeHttpFilters(m.http_filters, errors, `${path}.http_filters`),
    codec: codec ?? 'auto',
    streamIdleTimeoutMs: durationMs(m.stream_idle_timeout, HCM_DEFAULTS.streamIdleTimeoutMs),
    requestTimeoutMs: durationMs(m.request_timeout, HCM_DEFAULTS.requestTimeoutMs),
    requestHeadersTimeoutMs: durationMs(m.request_headers_timeout, HCM_DEFAULTS.requestHeadersTimeoutMs),
    maxRequestHeadersKb: wrapped(m.max_request_headers_kb, HCM_DEFAULTS.maxRequestHeadersKb),
    useRemoteAddress: wrappedBool(m.use_remote_address, false),
    generateRequestId: wrappedBool(m.generate_request_id, true),
    ...(wrappedBool(m.normalize_path, false) ? { normalizePath: true } : {}),
    ...(m.merge_slashes ? { mergeSlashes: true } : {}),
    ...(m.forward_client_cert_details ? { forwardClientCertDetails: String(m.forward_client_cert_details) } : {}),
    upgradeTypes,
  };
}
