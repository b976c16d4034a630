// The mesh's trust bundle: every root a workload should trust, the signing root first. More than
// one root lets a root be rotated without an outage.
import { X509Certificate } from 'node:crypto';
import { splitPemCertificates } from '../security/pem-bundle.js';

/**
 * The signing root followed by every other root given (from the authority, the CA directory's
 * `trust-bundle.pem`, or flags), each once. Throws when an extra certificate is not a
 * self-signed CA, since clients take every self-signed certificate at the end of a chain as a root.
 */
export function buildTrustBundle(signingRootPem: string, otherRootsPem: readonly string[]): string[] {
  const seen = new Set<string>();
  const bundle: string[] = [];
  for (const pem of [signingRootPem, ...otherRootsPem.flatMap(splitPemCertificates)]) {
    const cert = new X509Certificate(pem);
    if (!cert.ca || !cert.checkIssued(cert) || !cert.verify(cert.publicKey)) {
      const name = cert.subject ? cert.subject.replace(/\n/g, ', ') : cert.subjectAltName ?? cert.fingerprint256;
      throw new Error(`trust bundle: "${name}" is not a self-signed CA certificate`);
    }
    if (seen.has(cert.fingerprint256)) continue;
    seen.add(cert.fingerprint256);
    bundle.push(pem);
  }
  return bundle;
}
