// SDS secret references: the names Istio gives secrets, and where a proxy fetches them (ADS, from
// the control plane). The SDS generator must serve these same names.
import type { SdsSecretConfig } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/SdsSecretConfig.js';

/** Suffix of the CA bundle that goes with a `credentialName` secret (Istio: `-cacert`). */
export const CREDENTIAL_CA_SUFFIX = '-cacert';

/** The root bundle name that stands for the system's trusted CAs (Istio's `file-root:system`). */
export const SYSTEM_ROOT_SECRET = 'file-root:system';

/** `name` fetched over the proxy's ADS stream. */
export function sdsSecretConfig(name: string): SdsSecretConfig {
  return { name, sds_config: { ads: {}, resource_api_version: 'V3' } };
}

/** A client certificate and key read from files: `file-cert:<cert>~<key>`, as Istio names it. */
export function fileCertSecretName(certificate: string, privateKey: string): string {
  return `file-cert:${certificate}~${privateKey}`;
}

/** A CA bundle read from a file: `file-root:<path>`; `system` for the system's CAs. */
export function fileRootSecretName(caCertificates: string): string {
  return `file-root:${caCertificates}`;
}

/** The CA bundle that goes with a `credentialName` secret. */
export function credentialCaSecretName(credentialName: string): string {
  return `${credentialName}${CREDENTIAL_CA_SUFFIX}`;
}
