// Checks what a CA sent back before the agent serves it: a chain for the agent's own key and
// identity, still valid, leading to a root of the trust bundle the CA sent with it.
import { X509Certificate } from 'node:crypto';
import { parseSubjectAltNames } from '../proxy/tls/peer-certificate.js';
import type { SignedCertificate } from '../security/ca-client.js';
import { spiffeId, type WorkloadIdentity } from '../security/identity.js';
import type { WorkloadCertificate } from './workload-certificate.js';
import type { WorkloadKey } from './workload-key.js';

export type SignedCertificateResult =
  | { readonly ok: true; readonly certificate: WorkloadCertificate }
  | { readonly ok: false; readonly reason: string };

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Turns the CA's answer into the workload's certificate, or says why it must not be used: the
 * leaf must certify `key`'s public key, carry exactly `identity`'s SPIFFE ID as URI SAN, be
 * valid at `now`, and chain (by signature) through the intermediates to a root in the trust
 * bundle.
 */
export async function parseSignedCertificate(
  signed: SignedCertificate,
  identity: WorkloadIdentity,
  key: WorkloadKey,
  now: number,
): Promise<SignedCertificateResult> {
  const chain = parseAll(signed.certChainPem);
  const roots = parseAll(signed.trustBundlePem);
  if (typeof chain === 'string') return { ok: false, reason: `certificate chain: ${chain}` };
  if (typeof roots === 'string') return { ok: false, reason: `trust bundle: ${roots}` };
  const leaf = chain[0];
  if (!leaf) return { ok: false, reason: 'the CA returned no certificate' };
  if (roots.length === 0) return { ok: false, reason: 'the CA returned no trust bundle' };

  if (!leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(key.publicKeySpki)) {
    return { ok: false, reason: 'the certificate is not for this workload\'s key' };
  }
  const expected = spiffeId(identity);
  const uris = parseSubjectAltNames(leaf.subjectAltName).filter(([type]) => type === 'URI').map(([, value]) => value);
  if (uris.length !== 1 || uris[0] !== expected) {
    return { ok: false, reason: `the certificate is for ${uris.length === 0 ? 'no URI SAN' : uris.join(', ')}, not ${expected}` };
  }
  const notBefore = Date.parse(leaf.validFrom);
  const notAfter = Date.parse(leaf.validTo);
  if (!(notAfter > now)) return { ok: false, reason: `the certificate expired at ${new Date(notAfter).toISOString()}` };
  if (notAfter <= notBefore) return { ok: false, reason: 'the certificate\'s validity period is empty' };

  for (let i = 0; i + 1 < chain.length; i++) {
    if (!signedBy(chain[i]!, chain[i + 1]!)) return { ok: false, reason: `chain certificate ${i} is not signed by certificate ${i + 1}` };
  }
  const last = chain[chain.length - 1]!;
  const trusted = roots.some((root) => root.raw.equals(last.raw));
  if (!trusted && !anySigned(roots, last)) {
    return { ok: false, reason: 'the certificate chain does not lead to a root of the trust bundle' };
  }

  return {
    ok: true,
    certificate: {
      spiffeId: expected,
      // Node writes each certificate as PEM with a final newline.
      certificateChainPem: chain.map((c) => c.toString()).join(''),
      privateKeyPem: key.privateKeyPem,
      trustBundlePem: roots.map((r) => r.toString()),
      serialNumber: leaf.serialNumber.toLowerCase(),
      notBefore,
      notAfter,
    },
  };
}

/** Every certificate in the PEM texts, or a message naming the one that does not parse. */
function parseAll(pems: readonly string[]): X509Certificate[] | string {
  const out: X509Certificate[] = [];
  for (const [i, pem] of pems.entries()) {
    const blocks = pem.match(PEM_BLOCK);
    if (!blocks) return `entry ${i} holds no PEM certificate`;
    for (const block of blocks) {
      try {
        out.push(new X509Certificate(block));
      } catch (err) {
        return `entry ${i} does not parse: ${(err as Error).message}`;
      }
    }
  }
  return out;
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function anySigned(issuers: readonly X509Certificate[], cert: X509Certificate): boolean {
  return issuers.some((issuer) => signedBy(cert, issuer));
}
