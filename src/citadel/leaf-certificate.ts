// Signs an end-entity certificate (a workload's, or the control plane's own serving certificate)
// with the CA's signing certificate: Istio's key usages, SANs only, an empty subject.
import type { webcrypto } from 'node:crypto';
import { x509 } from '../security/x509.js';
import type { SigningAuthority } from './signing-authority.js';

/** What goes into one leaf certificate. */
export interface LeafCertificateParams {
  /** The subject's public key (from the CSR, or a key we generated). */
  readonly publicKey: x509.PublicKey | webcrypto.CryptoKey;
  /** Subject alternative names; the only names in the certificate. */
  readonly sans: x509.JsonGeneralNames;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Signs a leaf certificate and returns it as PEM: empty subject with a critical SAN extension (as
 * Istio's workload certificates have), key usage digitalSignature and keyEncipherment, extended
 * key usage serverAuth and clientAuth, CA:FALSE, and the signer's key identifier.
 */
export async function signLeafCertificate(authority: SigningAuthority, params: LeafCertificateParams): Promise<string> {
  const signer = new x509.X509Certificate(authority.certPem);
  const cert = await x509.X509CertificateGenerator.create({
    issuer: signer.subjectName,
    publicKey: params.publicKey,
    signingKey: authority.key.privateKey,
    signingAlgorithm: authority.key.algorithm,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    extensions: [
      new x509.SubjectAlternativeNameExtension(params.sans, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(authority.key.publicKey),
    ],
  });
  return `${cert.toString('pem').trim()}\n`;
}
