// Checks what a CA sent back before the agent serves it: a chain for the agent's own key and
// identity, still valid, leading to a root of the trust bundle the CA sent with it.
import type { SignedCertificate } from '../security/ca-client.js';
import { spiffeId, type WorkloadIdentity } from '../security/identity.js';
import { x509 } from '../security/x509.js';
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

  if (!Buffer.from(leaf.publicKey.rawData).equals(key.publicKeySpki)) {
    return { ok: false, reason: 'the certificate is not for this workload\'s key' };
  }
  const expected = spiffeId(identity);
  const uris = leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.items.filter((n) => n.type === 'url').map((n) => n.value) ?? [];
  if (uris.length !== 1 || uris[0] !== expected) {
    return { ok: false, reason: `the certificate is for ${uris.length === 0 ? 'no URI SAN' : uris.join(', ')}, not ${expected}` };
  }
  const notBefore = leaf.notBefore.getTime();
  const notAfter = leaf.notAfter.getTime();
  if (notAfter <= now) return { ok: false, reason: `the certificate expired at ${leaf.notAfter.toISOString()}` };
  if (notAfter <= notBefore) return { ok: false, reason: 'the certificate\'s validity period is empty' };

  for (let i = 0; i + 1 < chain.length; i++) {
    if (!(await signedBy(chain[i]!, chain[i + 1]!))) return { ok: false, reason: `chain certificate ${i} is not signed by certificate ${i + 1}` };
  }
  const last = chain[chain.length - 1]!;
  const trusted = roots.some((root) => Buffer.from(root.rawData).equals(Buffer.from(last.rawData)));
  if (!trusted && !(await anySigned(roots, last))) {
    return { ok: false, reason: 'the certificate chain does not lead to a root of the trust bundle' };
  }

  return {
    ok: true,
    certificate: {
      spiffeId: expected,
      certificateChainPem: chain.map((c) => c.toString('pem')).join('\n') + '\n',
      privateKeyPem: key.privateKeyPem,
      trustBundlePem: roots.map((r) => r.toString('pem') + '\n'),
      serialNumber: leaf.serialNumber,
      notBefore,
      notAfter,
    },
  };
}

/** Every certificate in the PEM texts, or a message naming the one that does not parse. */
function parseAll(pems: readonly string[]): x509.X509Certificate[] | string {
  const out: x509.X509Certificate[] = [];
  for (const [i, pem] of pems.entries()) {
    const blocks = pem.match(PEM_BLOCK);
    if (!blocks) return `entry ${i} holds no PEM certificate`;
    for (const block of blocks) {
      try {
        out.push(new x509.X509Certificate(block));
      } catch (err) {
        return `entry ${i} does not parse: ${(err as Error).message}`;
      }
    }
  }
  return out;
}

async function signedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

async function anySigned(issuers: readonly x509.X509Certificate[], cert: x509.X509Certificate): Promise<boolean> {
  for (const issuer of issuers) if (await signedBy(cert, issuer)) return true;
  return false;
}
