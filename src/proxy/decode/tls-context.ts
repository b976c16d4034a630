// The TLS transport sockets (UpstreamTlsContext, DownstreamTlsContext) as runtime TLS configs.
// Certificates come only over SDS, by secret name; inline certificates are refused.
import type { CommonTlsContext__Output } from '../../xds/generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext.js';
import type { UpstreamTlsContext__Output } from '../../xds/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.js';
import type { DownstreamTlsContext__Output } from '../../xds/generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.js';
import type { CertificateValidationContext__Output } from '../../xds/generated/envoy/extensions/transport_sockets/tls/v3/CertificateValidationContext.js';
import type { DownstreamTlsConfig } from '../config/listener.js';
import type { UpstreamTlsConfig } from '../config/cluster.js';
import type { DecodeErrors } from './decode-result.js';
import { wrappedBool } from './duration.js';

interface CommonTls {
  readonly alpn: readonly string[];
  readonly certificateSecret?: string;
  readonly validationSecret?: string;
  readonly matchSubjectAltNames: readonly string[];
}

/**
 * The parts of a CommonTlsContext the runtime uses: ALPN, SDS secret names, exact SAN matches.
 * SAN matches without an SDS validation context are an error, as in Envoy.
 */
export function decodeCommonTlsContext(c: CommonTlsContext__Output | null, errors: DecodeErrors, path: string): CommonTls {
  if (!c) return { alpn: [], matchSubjectAltNames: [] };
  if (c.tls_certificates.length > 0) errors.add(`${path}.tls_certificates`, 'inline certificates are not supported; use SDS');
  if (c.tls_certificate_sds_secret_configs.length > 1) errors.add(`${path}.tls_certificate_sds_secret_configs`, 'at most one certificate secret is supported');
  const certificateSecret = c.tls_certificate_sds_secret_configs[0]?.name;
  let validationSecret: string | undefined;
  let validation: CertificateValidationContext__Output | null | undefined;
  let validationPath = `${path}.combined_validation_context.default_validation_context`;
  switch (c.validation_context_type) {
    case undefined:
      break;
    case 'validation_context_sds_secret_config':
      validationSecret = c.validation_context_sds_secret_config?.name;
      break;
    case 'combined_validation_context':
      validationSecret = c.combined_validation_context?.validation_context_sds_secret_config?.name;
      validation = c.combined_validation_context?.default_validation_context;
      break;
    case 'validation_context':
      validation = c.validation_context;
      validationPath = `${path}.validation_context`;
      if (validation?.trusted_ca) errors.add(`${path}.validation_context.trusted_ca`, 'inline trusted CAs are not supported; use SDS');
      break;
    default:
      errors.add(`${path}.${c.validation_context_type}`, 'certificate providers are not supported; use SDS');
  }
  // `file-cert:<cert>~<key>` and `file-root:<path>` are ordinary SDS names: the agent serves them
  // from local files through the proxy's SecretProvider.
  const matchSubjectAltNames: string[] = [];
  validation?.match_subject_alt_names.forEach((m, i) => {
    if (m.match_pattern === 'exact' && m.exact) matchSubjectAltNames.push(m.exact);
    else errors.add(`${validationPath}.match_subject_alt_names[${i}]`, 'only exact subject alt name matches are supported');
  });
  validation?.match_typed_subject_alt_names.forEach((m, i) => {
    if (m.matcher?.match_pattern === 'exact' && m.matcher.exact) matchSubjectAltNames.push(m.matcher.exact);
    else errors.add(`${validationPath}.match_typed_subject_alt_names[${i}]`, 'only exact subject alt name matches are supported');
  });
  // Envoy refuses SAN matchers without a trusted CA: an unverified chain could claim any SAN.
  if (matchSubjectAltNames.length > 0 && !validationSecret) {
    const field = validation?.match_subject_alt_names.length ? 'match_subject_alt_names' : 'match_typed_subject_alt_names';
    errors.add(`${validationPath}.${field}`, 'subject alt name matching needs a trusted CA (validation_context_sds_secret_config)');
  }
  return {
    alpn: c.alpn_protocols,
    ...(certificateSecret ? { certificateSecret } : {}),
    ...(validationSecret ? { validationSecret } : {}),
    matchSubjectAltNames,
  };
}

/** An UpstreamTlsContext: SNI, ALPN, the SDS secrets and the SANs the server must present. */
export function decodeUpstreamTlsContext(m: UpstreamTlsContext__Output, errors: DecodeErrors, path: string): UpstreamTlsConfig {
  const common = decodeCommonTlsContext(m.common_tls_context, errors, `${path}.common_tls_context`);
  return { ...(m.sni ? { sni: m.sni } : {}), ...common };
}

/** A DownstreamTlsContext: whether a client certificate is required, ALPN and the SDS secrets. */
export function decodeDownstreamTlsContext(m: DownstreamTlsContext__Output, errors: DecodeErrors, path: string): DownstreamTlsConfig {
  const common = decodeCommonTlsContext(m.common_tls_context, errors, `${path}.common_tls_context`);
  return {
    requireClientCertificate: wrappedBool(m.require_client_certificate, false),
    alpn: common.alpn,
    ...(common.certificateSecret ? { certificateSecret: common.certificateSecret } : {}),
    ...(common.validationSecret ? { validationSecret: common.validationSecret } : {}),
    ...(common.matchSubjectAltNames.length > 0 ? { matchSubjectAltNames: common.matchSubjectAltNames } : {}),
  };
}
