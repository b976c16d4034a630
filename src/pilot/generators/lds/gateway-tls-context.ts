// The TLS a gateway server terminates (SIMPLE, MUTUAL, ISTIO_MUTUAL) as a DownstreamTlsContext
// transport socket, with certificates fetched over SDS under Istio's secret names.
import { SDS_DEFAULT, SDS_ROOTCA, packAny } from '../../../xds/index.js';
import type { TransportSocket } from '../../../xds/generated/envoy/config/core/v3/TransportSocket.js';
import type { CommonTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext.js';
import type { DownstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.js';
import type { TlsParameters } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/TlsParameters.js';
import type { ServerTlsView } from '../rds/gateway-servers.js';
import { credentialCaSecretName, fileCertSecretName, fileRootSecretName, sdsSecretConfig } from '../shared/sds.js';

const DOWNSTREAM_TLS_TYPE = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
/** ALPN a gateway offers on HTTPS servers. */
const HTTP_ALPNS = ['h2', 'http/1.1'];

type TlsVersion = NonNullable<TlsParameters['tls_minimum_protocol_version']>;
const VERSIONS: Readonly<Record<string, TlsVersion>> = { TLS_AUTO: 'TLS_AUTO', TLSV1_0: 'TLSv1_0', TLSV1_1: 'TLSv1_1', TLSV1_2: 'TLSv1_2', TLSV1_3: 'TLSv1_3' };

/**
 * The DownstreamTlsContext of a server. ISTIO_MUTUAL uses the proxy's own identity (`default`)
 * and the mesh root (`ROOTCA`); `credentialName` names the certificate secret (and
 * `<name>-cacert` for MUTUAL); otherwise the certificate files, as `file-cert:`/`file-root:`
 * secrets. MUTUAL and ISTIO_MUTUAL require a client certificate, checked against
 * `subjectAltNames` when given. HTTP servers offer h2 and http/1.1 by ALPN.
 */
export function buildServerTlsContext(tls: ServerTlsView, http: boolean): DownstreamTlsContext {
  const mutual = tls.mode === 'MUTUAL' || tls.mode === 'ISTIO_MUTUAL';
  const common: CommonTlsContext = http ? { alpn_protocols: [...HTTP_ALPNS] } : {};
  let rootSecret: string | undefined;
  if (tls.mode === 'ISTIO_MUTUAL') {
    common.tls_certificate_sds_secret_configs = [sdsSecretConfig(SDS_DEFAULT)];
    rootSecret = SDS_ROOTCA;
  } else if (tls.credentialName) {
    common.tls_certificate_sds_secret_configs = [sdsSecretConfig(tls.credentialName)];
    if (mutual) rootSecret = credentialCaSecretName(tls.credentialName);
  } else {
    if (tls.serverCertificate && tls.privateKey) common.tls_certificate_sds_secret_configs = [sdsSecretConfig(fileCertSecretName(tls.serverCertificate, tls.privateKey))];
    if (mutual && tls.caCertificates) rootSecret = fileRootSecretName(tls.caCertificates);
  }
  if (rootSecret) {
    const sans = (tls.subjectAltNames ?? []).map((exact) => ({ exact }));
    common.combined_validation_context = {
      default_validation_context: sans.length > 0 ? { match_subject_alt_names: sans } : {},
      validation_context_sds_secret_config: sdsSecretConfig(rootSecret),
    };
  }
  if (tls.mode !== 'ISTIO_MUTUAL') {
    const params: TlsParameters = {};
    const min = tls.minProtocolVersion && VERSIONS[tls.minProtocolVersion];
    const max = tls.maxProtocolVersion && VERSIONS[tls.maxProtocolVersion];
    if (min) params.tls_minimum_protocol_version = min;
    if (max) params.tls_maximum_protocol_version = max;
    if (tls.cipherSuites?.length) params.cipher_suites = [...tls.cipherSuites];
    if (Object.keys(params).length > 0) common.tls_params = params;
  }
  return { common_tls_context: common, require_client_certificate: { value: mutual } };
}

/** The context as the `envoy.transport_sockets.tls` transport socket of a filter chain. */
export function serverTransportSocket(tls: ServerTlsView, http: boolean): TransportSocket {
  return { name: 'envoy.transport_sockets.tls', typed_config: packAny(DOWNSTREAM_TLS_TYPE, buildServerTlsContext(tls, http)) };
}
