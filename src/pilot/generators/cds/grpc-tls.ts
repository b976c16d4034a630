// TLS for proxyless gRPC clients. grpc-js-xds takes certificates only from the certificate
// providers of its bootstrap file, and NACKs a cluster that uses SDS, files or tls_params.
import type { TransportSocket } from '../../../xds/generated/envoy/config/core/v3/TransportSocket.js';
import type { CertificateValidationContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/CertificateValidationContext.js';
import type { UpstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.js';
import { SDS_DEFAULT, SDS_ROOTCA } from '../../../xds/index.js';
import type { ClientTlsSettings } from '../../../api/index.js';
import { tlsTransportSocket } from './transport-socket.js';

/** The bootstrap certificate provider instance Istio's gRPC bootstrap defines, and Heddle's must. */
export const GRPC_CERTIFICATE_PROVIDER = 'default';

/**
 * The validation context of a gRPC peer: the root bundle is the `ROOTCA` certificate of the
 * bootstrap provider `default`, and the peer's certificate must carry one of `sans` (exact match
 * on a URI, DNS, email or IP SAN; none given, any certificate the root signed).
 */
export function grpcValidationContext(sans: readonly string[]): CertificateValidationContext {
  return {
    ca_certificate_provider_instance: { instance_name: GRPC_CERTIFICATE_PROVIDER, certificate_name: SDS_ROOTCA },
    match_subject_alt_names: sans.map((exact) => ({ exact })),
  };
}

/** The workload's own certificate and key: the `default` certificate of the bootstrap provider `default`. */
export const GRPC_IDENTITY_CERTIFICATE = Object.freeze({ instance_name: GRPC_CERTIFICATE_PROVIDER, certificate_name: SDS_DEFAULT });

/**
 * The UpstreamTlsContext of SIMPLE TLS for a gRPC client: the server verified against the
 * `ROOTCA` certificate of the bootstrap provider `default`, and against the rule's SANs.
 */
export function buildGrpcClientTls(tls: ClientTlsSettings): UpstreamTlsContext {
  return {
    common_tls_context: { combined_validation_context: { default_validation_context: grpcValidationContext(tls.subjectAltNames ?? []) } },
    ...(tls.sni ? { sni: tls.sni } : {}),
  };
}

/**
 * The UpstreamTlsContext of ISTIO_MUTUAL for a gRPC client, as Istio's grpcgen builds it: the
 * workload certificate of the bootstrap provider `default` (certificate `default`), the server
 * verified against `ROOTCA` of the same provider and against `subjectAltNames` (the SPIFFE IDs of
 * the service's workloads). No ALPN and no SNI: gRPC speaks only h2 and ignores both.
 */
export function buildGrpcIstioMutualTls(subjectAltNames: readonly string[]): UpstreamTlsContext {
  return {
    common_tls_context: {
      tls_certificate_provider_instance: { ...GRPC_IDENTITY_CERTIFICATE },
      combined_validation_context: { default_validation_context: grpcValidationContext(subjectAltNames) },
    },
  };
}

/**
 * The transport socket of a proxyless gRPC client's cluster for the DestinationRule's `tls`
 * (merged for the port and subset), or undefined for plaintext. ISTIO_MUTUAL: mTLS with the
 * bootstrap's certificates, the server checked against the rule's `subjectAltNames` or else
 * `serviceAccounts`. SIMPLE: TLS with the bootstrap's root. DISABLE, MUTUAL (its files and
 * credentialName are SDS secrets, which grpc-js refuses) and no `tls` at all: plaintext. There is
 * no auto mTLS for proxyless clients, as in Istio: nothing says the client uses xDS credentials,
 * and gRPC cannot offer the ALPN that a PERMISSIVE sidecar needs to tell mTLS apart.
 */
export function grpcUpstreamTransportSocket(tls: ClientTlsSettings | undefined, serviceAccounts: readonly string[]): TransportSocket | undefined {
  switch (tls?.mode) {
    case 'ISTIO_MUTUAL':
      return tlsTransportSocket(buildGrpcIstioMutualTls(tls.subjectAltNames ?? serviceAccounts));
    case 'SIMPLE':
      return tlsTransportSocket(buildGrpcClientTls(tls));
    default:
      return undefined;
  }
}
