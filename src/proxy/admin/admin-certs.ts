// `/certs`: the certificates the proxy's TLS contexts hold right now, in Envoy's format
// (envoy.admin.v3.Certificates), so rotation and expiry can be checked on a running sidecar.
import { X509Certificate } from 'node:crypto';
import type { Secret } from '../tls/secret-provider.js';
import type { SecretUpdate } from './admin-secret-history.js';

/** One SDS secret the proxy uses, by name, with its current value (undefined while it has none). */
export interface NamedSecret {
  readonly name: string;
  readonly secret: Secret | undefined;
  /** When the value arrived, where the sidecar keeps a history of its secrets. */
  readonly update?: SecretUpdate;
}

/** Envoy's CertificateDetails, as JSON. */
export interface CertificateDetails {
  /** The file a file-based secret came from; `<inline>` for secrets delivered over SDS. */
  readonly path: string;
  /** Lowercase hex, as Envoy prints it. */
  readonly serial_number: string;
  readonly subject_alt_names: readonly Record<string, string>[];
  /** Whole days left (a string, as uint64 fields are in proto JSON); 0 once expired. */
  readonly days_until_expiration: string;
  readonly valid_from: string;
  readonly expiration_time: string;
}

/** One TLS context's certificates: its roots and its own chain. */
export interface CertificateEntry {
  readonly ca_cert: readonly CertificateDetails[];
  readonly cert_chain: readonly CertificateDetails[];
}

const FILE_CERT = 'file-cert:';
const FILE_ROOT = 'file-root:';
const DAY_MS = 86_400_000;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The file behind a file secret name (`file-cert:<cert>~<key>` → the cert), or `<inline>`. */
function pathOf(name: string): string {
  if (name.startsWith(FILE_CERT)) return name.slice(FILE_CERT.length).split('~')[0] ?? '<inline>';
  if (name.startsWith(FILE_ROOT)) return name.slice(FILE_ROOT.length);
  return '<inline>';
}

/** `URI:spiffe://…, DNS:a.example` → Envoy's `[{uri: …}, {dns: …}]`. */
function subjectAltNames(cert: X509Certificate): Record<string, string>[] {
  const keys: Record<string, string> = { URI: 'uri', DNS: 'dns', 'IP Address': 'ip_address' };
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry !== '')
    .flatMap((entry) => {
      const colon = entry.indexOf(':');
      const key = keys[entry.slice(0, colon)];
      return key ? [{ [key]: entry.slice(colon + 1) }] : [];
    });
}

/** The details of every certificate in `pem`, in order; a block that does not parse is left out. */
export function certificateDetails(pem: string, path: string, now: number): CertificateDetails[] {
  return (pem.match(PEM_BLOCK) ?? []).flatMap((block) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      return [];
    }
    const from = new Date(cert.validFrom);
    const to = new Date(cert.validTo);
    return [{
      path,
      serial_number: cert.serialNumber.toLowerCase(),
      subject_alt_names: subjectAltNames(cert),
      days_until_expiration: String(Math.max(0, Math.floor((to.getTime() - now) / DAY_MS))),
      valid_from: from.toISOString(),
      expiration_time: to.toISOString(),
    }];
  });
}

/**
 * `/certs` for `secrets`: one entry per secret that has a value, certificates under `cert_chain`
 * and trusted roots under `ca_cert`, as Envoy lists a context that has only one of the two.
 */
export function formatCertificates(secrets: readonly NamedSecret[], now: number): { certificates: CertificateEntry[] } {
  const certificates = secrets.flatMap(({ name, secret }): CertificateEntry[] => {
    if (!secret) return [];
    const path = pathOf(name);
    return secret.kind === 'certificate'
      ? [{ ca_cert: [], cert_chain: certificateDetails(secret.certificateChainPem, path, now) }]
      : [{ ca_cert: certificateDetails(secret.trustedCaPem, path, now), cert_chain: [] }];
  });
  return { certificates };
}
