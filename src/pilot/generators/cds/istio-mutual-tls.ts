// ISTIO_MUTUAL: the client side of Istio's mTLS, with the workload certificate (`default`) and
// root bundle (`ROOTCA`) fetched over SDS. Citadel's SDS generator serves those two secrets.
import type { UpstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.js';
import type { TlsParameters } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/TlsParameters.js';
import { SDS_DEFAULT, SDS_ROOTCA } from '../../../xds/index.js';
import { sdsSecretConfig } from '../shared/sds.js';

/** ALPN of in-mesh mTLS (Istio's ALPNInMeshWithMxc), and with HTTP/2 upstream. */
export const ALPN_IN_MESH: readonly string[] = Object.freeze(['istio-peer-exchange', 'istio']);
export const ALPN_IN_MESH_H2: readonly string[] = Object.freeze(['istio-peer-exchange', 'istio', 'h2']);

/** Istio's client TLS versions: TLS 1.2 to 1.3. */
export function defaultTlsParams(): TlsParameters {
  return { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' };
}

/** The SNI Istio sends for in-mesh mTLS: `outbound_.9080_.v1_.reviews.default.svc.cluster.local`. */
export function istioMtlsSni(port: number, subset: string, host: string): string {
  return `outbound_.${port}_.${subset}_.${host}`;
}

/** What varies between ISTIO_MUTUAL contexts: SNI, accepted identities, ALPN for HTTP/2. */
export interface IstioMutualTlsOptions {
  /** The SNI: the DestinationRule's, else istioMtlsSni. */
  readonly sni: string;
  /** SPIFFE identities the server may present; empty to accept any the root signs. */
  readonly subjectAltNames: readonly string[];
  /** True when the cluster speaks HTTP/2, which adds `h2` to the ALPN. */
  readonly http2: boolean;
}

/**
 * The UpstreamTlsContext of ISTIO_MUTUAL: the proxy's own certificate from SDS `default`, the
 * server verified against SDS `ROOTCA` and `subjectAltNames`, and Istio's in-mesh ALPN.
 */
export function buildIstioMutualTls(options: IstioMutualTlsOptions): UpstreamTlsContext {
  return {
    common_tls_context: {
      tls_params: defaultTlsParams(),
      alpn_protocols: [...(options.http2 ? ALPN_IN_MESH_H2 : ALPN_IN_MESH)],
      tls_certificate_sds_secret_configs: [sdsSecretConfig(SDS_DEFAULT)],
      combined_validation_context: {
        default_validation_context: { match_subject_alt_names: options.subjectAltNames.map((exact) => ({ exact })) },
        validation_context_sds_secret_config: sdsSecretConfig(SDS_ROOTCA),
      },
    },
    sni: options.sni,
  };
}
