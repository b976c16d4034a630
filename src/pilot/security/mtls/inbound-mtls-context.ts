// The server side of Istio mTLS on a sidecar's inbound chains: the DownstreamTlsContext that
// presents the workload certificate and requires a client certificate from the mesh root.
import { SDS_DEFAULT, SDS_ROOTCA, packAny } from '../../../xds/index.js';
import type { TransportSocket } from '../../../xds/generated/envoy/config/core/v3/TransportSocket.js';
import type { DownstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.js';
import { sdsSecretConfig } from '../../generators/shared/sds.js';

const DOWNSTREAM_TLS_TYPE = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';

/** ALPN a server offers on an HTTP chain (Istio's ALPNHttp): never `istio`, which would hide the real protocol. */
export const INBOUND_HTTP_ALPN: readonly string[] = Object.freeze(['h2', 'http/1.1']);
/** ALPN a server offers on a TCP chain (Istio's ALPNDownstreamWithMxc). */
export const INBOUND_TCP_ALPN: readonly string[] = Object.freeze(['istio-peer-exchange', 'h2', 'http/1.1']);

/**
 * Istio's inbound mTLS context for an HTTP (`http` true) or TCP chain: certificate from SDS
 * `default`, client certificate required and verified against SDS `ROOTCA` with no SAN match
 * (any workload of the mesh; authorization decides the rest), TLS 1.2 to 1.3.
 */
export function buildInboundMtlsContext(http: boolean): DownstreamTlsContext {
  return {
    require_client_certificate: { value: true },
    common_tls_context: {
      tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
      alpn_protocols: [...(http ? INBOUND_HTTP_ALPN : INBOUND_TCP_ALPN)],
      tls_certificate_sds_secret_configs: [sdsSecretConfig(SDS_DEFAULT)],
      combined_validation_context: {
        default_validation_context: {},
        validation_context_sds_secret_config: sdsSecretConfig(SDS_ROOTCA),
      },
    },
  };
}

/** {@link buildInboundMtlsContext} as a filter chain's `envoy.transport_sockets.tls` transport socket. */
export function inboundMtlsTransportSocket(http: boolean): TransportSocket {
  return { name: TLS_TRANSPORT_SOCKET, typed_config: packAny(DOWNSTREAM_TLS_TYPE, buildInboundMtlsContext(http)) };
}
