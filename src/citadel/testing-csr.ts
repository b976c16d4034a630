// Test helpers: CSRs as a workload's agent would send them, with EC or RSA keys and chosen SANs.
import { webcrypto } from 'node:crypto';
import { x509 } from '../security/x509.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

/** A PEM CSR carrying `sans` (critical SAN extension, empty subject), signed with a fresh EC (default) or RSA key. */
export async function createTestCsr(sans: x509.JsonGeneralNames, opts: { rsa?: boolean } = {}): Promise<string> {
  const alg = opts.rsa ? RSA : EC;
  const keys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    keys,
    signingAlgorithm: alg,
    ...(sans.length > 0 ? { extensions: [new x509.SubjectAlternativeNameExtension(sans, true)] } : {}),
  });
  return csr.toString('pem');
}

/** A CSR for one SPIFFE ID URI. */
export function createTestSpiffeCsr(uri: string, opts: { rsa?: boolean } = {}): Promise<string> {
  return createTestCsr([{ type: 'url', value: uri }], opts);
}
