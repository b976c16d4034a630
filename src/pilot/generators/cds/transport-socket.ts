// Transport sockets for clusters: TLS (UpstreamTlsContext) and the plaintext raw buffer.
import type { TransportSocket } from '../../../xds/generated/envoy/config/core/v3/TransportSocket.js';
import type { UpstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.js';
import { TYPE_URL_PREFIX, packAny } from '../../../xds/index.js';

/** The TLS transport socket's name; grpc-js-xds and Envoy both expect exactly this. */
export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';
/** The message type in a TLS transport socket's typed_config. */
export const UPSTREAM_TLS_CONTEXT = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
/** The plaintext transport socket's name. */
export const RAW_BUFFER_TRANSPORT_SOCKET = 'envoy.transport_sockets.raw_buffer';

/** A TLS transport socket holding `context`. */
export function tlsTransportSocket(context: UpstreamTlsContext): TransportSocket {
  return { name: TLS_TRANSPORT_SOCKET, typed_config: packAny(UPSTREAM_TLS_CONTEXT, context) };
}

/**
 * The plaintext transport socket. RawBuffer is an empty message, so its Any is packed by hand:
 * its proto is not among those src/xds loads.
 */
export const RAW_BUFFER_SOCKET: TransportSocket = Object.freeze({
  name: RAW_BUFFER_TRANSPORT_SOCKET,
  typed_config: Object.freeze({ type_url: `${TYPE_URL_PREFIX}envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer`, value: Buffer.alloc(0) }),
});
