// TLS for proxyless gRPC clients. grpc-js-xds takes certificates only from the certificate
// providers of its bootstrap file, and NACKs a cluster that uses SDS, files or tls_params.
import type { UpstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.js';
import { SDS_ROOTCA } from '../../../xds/index.js';
import type { ClientTlsSettings } from '../../../api/index.js';

/** The bootstrap certificate provider instance Istio's gRPC bootstrap defines, and Heddle's must. */
export const GRPC_CERTIFICATE_PROVIDER = 'default';

/**
 * The UpstreamTlsContext of SIMPLE TLS for a gRPC client: the server verified against the
 * `ROOTCA` certificate of the bootstrap provider `default`, and against the rule's SANs.
 */
export function buildGrpcClientTls(tls: ClientTlsSettings): UpstreamTlsContext {
  const sans = tls.subjectAltNames ?? [];
  return {
    common_tls_context: {
      combined_validation_context: {
        default_validation_context: {
          ca_certificate_provider_instance: { instance_name: GRPC_CERTIFICATE_PROVIDER, certificate_name: SDS_ROOTCA },
          match_subject_alt_names: sans.map((exact) => ({ exact })),
        },
      },
    },
    ...(tls.sni ? { sni: tls.sni } : {}),
  };
}
