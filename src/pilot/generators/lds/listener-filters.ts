// Listener filters: they inspect a new connection before a filter chain is chosen.
import { packAny } from '../../../xds/index.js';
import type { ListenerFilter } from '../../../xds/generated/envoy/config/listener/v3/ListenerFilter.js';

/** ALPN values the HTTP inspector reports for plaintext HTTP, which sniffed chains match on. */
export const PLAINTEXT_HTTP_ALPNS: readonly string[] = ['http/1.1', 'http/1.0', 'h2c'];

/** Reads the SNI and ALPN of a TLS ClientHello, for `server_names` and TLS `application_protocols` matches. */
export function tlsInspector(): ListenerFilter {
  return { name: 'envoy.filters.listener.tls_inspector', typed_config: packAny('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector', {}) };
}

/** Detects plaintext HTTP (and its version), for sniffed ports. */
export function httpInspector(): ListenerFilter {
  return { name: 'envoy.filters.listener.http_inspector', typed_config: packAny('envoy.extensions.filters.listener.http_inspector.v3.HttpInspector', {}) };
}

/** Restores a redirected connection's original destination, for `destination_port` matches. */
export function originalDst(): ListenerFilter {
  return { name: 'envoy.filters.listener.original_dst', typed_config: packAny('envoy.extensions.filters.listener.original_dst.v3.OriginalDst', {}) };
}
