// The workload certificate as files for proxyless gRPC apps: the chain, the key (0600) and the
// trust bundle, in the names Istio's agent uses, each replaced atomically.
import { join, resolve } from 'node:path';
import { writeFilesAtomic } from './atomic-write.js';
import type { WorkloadCertificate } from './workload-certificate.js';

/** Where the three files live; the names are those of grpc-js-xds's `file_watcher` provider config. */
export interface CertificateFilePaths {
  /** The leaf, then intermediates (PEM). */
  readonly certificateFile: string;
  /** The leaf's PKCS#8 key (PEM), mode 0600. */
  readonly privateKeyFile: string;
  /** Every root the mesh trusts (PEM). */
  readonly caCertificateFile: string;
}

/** File names in the output directory, as Istio's agent writes them. */
export const CERTIFICATE_FILE_NAMES = Object.freeze({ certificate: 'cert-chain.pem', privateKey: 'key.pem', caCertificate: 'root-cert.pem' });

const PUBLIC_MODE = 0o644;
const PRIVATE_MODE = 0o600;

/** The absolute paths of the certificate files in `dir`. */
export function certificateFilePaths(dir: string): CertificateFilePaths {
  const root = resolve(dir);
  return {
    certificateFile: join(root, CERTIFICATE_FILE_NAMES.certificate),
    privateKeyFile: join(root, CERTIFICATE_FILE_NAMES.privateKey),
    caCertificateFile: join(root, CERTIFICATE_FILE_NAMES.caCertificate),
  };
}

/**
 * Writes `certificate` to `paths`, each file replaced atomically (see writeFilesAtomic): the roots
 * first, so a leaf from a new root is never served before its root is trusted, then the key and
 * the chain, renamed back to back because a reader loads them separately and must not pair a new
 * key with an old chain for longer than it has to. Throws on an I/O error.
 */
export async function writeCertificateFiles(paths: CertificateFilePaths, certificate: WorkloadCertificate): Promise<void> {
  await writeFilesAtomic([
    { path: paths.caCertificateFile, data: joinPem(certificate.trustBundlePem), mode: PUBLIC_MODE },
    { path: paths.privateKeyFile, data: certificate.privateKeyPem, mode: PRIVATE_MODE },
    { path: paths.certificateFile, data: certificate.certificateChainPem, mode: PUBLIC_MODE },
  ]);
}

function joinPem(pems: readonly string[]): string {
  return pems.map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join('');
}
