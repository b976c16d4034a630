// DestinationRule tls SIMPLE and MUTUAL (TLS origination): certificates from files or from a
// `credentialName` secret, both fetched over SDS under Istio's secret names.
import type { CommonTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext.js';
import type { CertificateValidationContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/CertificateValidationContext.js';
import type { UpstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.js';
import type { ClientTlsSettings } from '../../../api/index.js';
import { credentialCaSecretName, fileCertSecretName, fileRootSecretName, sdsSecretConfig } from '../shared/sds.js';
import { defaultTlsParams } from './istio-mutual-tls.js';

/** A SIMPLE or MUTUAL TLS context, and whether Envoy must fill in SNI and SAN checks itself. */
export interface ClientTls {
  readonly context: UpstreamTlsContext;
  /** No SNI was given: Envoy should send the request's host (`auto_sni`). */
  readonly autoSni: boolean;
  /** No SNI and no SANs were given: Envoy should verify the certificate against that host. */
  readonly autoSanValidation: boolean;
}

/**
 * The UpstreamTlsContext for SIMPLE (`mutual` false) or MUTUAL settings, as Istio's
 * constructUpstreamTLS builds it. Undefined for MUTUAL without a credentialName or both client
 * certificate and key: Istio then sends no TLS, and Galley's validation rejects such a rule.
 */
export function buildClientTls(tls: ClientTlsSettings, mutual: boolean, http2: boolean): ClientTls | undefined {
  const common: CommonTlsContext = { tls_params: defaultTlsParams() };
  const sans = tls.subjectAltNames ?? [];
  const defaultValidation: CertificateValidationContext = { match_subject_alt_names: sans.map((exact) => ({ exact })) };
  if (tls.caCrl) defaultValidation.crl = { filename: tls.caCrl };

  if (tls.credentialName) {
    if (mutual) common.tls_certificate_sds_secret_configs = [sdsSecretConfig(tls.credentialName)];
    if (tls.insecureSkipVerify) common.validation_context = {};
    else {
      common.combined_validation_context = {
        default_validation_context: defaultValidation,
        validation_context_sds_secret_config: sdsSecretConfig(credentialCaSecretName(tls.credentialName)),
      };
    }
  } else {
    if (mutual) {
      if (!tls.clientCertificate || !tls.privateKey) return undefined;
      common.tls_certificate_sds_secret_configs = [sdsSecretConfig(fileCertSecretName(tls.clientCertificate, tls.privateKey))];
    }
    if (tls.insecureSkipVerify) common.validation_context = {};
    else {
      common.combined_validation_context = {
        default_validation_context: defaultValidation,
        validation_context_sds_secret_config: sdsSecretConfig(fileRootSecretName(tls.caCertificates || 'system')),
      };
    }
  }
  if (http2) common.alpn_protocols = ['h2'];

  const context: UpstreamTlsContext = { common_tls_context: common };
  if (tls.sni) context.sni = tls.sni;
  const autoSni = !tls.sni;
  return { context, autoSni, autoSanValidation: autoSni && sans.length === 0 && !tls.insecureSkipVerify };
}
