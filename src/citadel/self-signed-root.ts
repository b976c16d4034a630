// The CA's own root: generated on first start (ECDSA P-256, ten years) and kept in the CA
// directory (`root-cert.pem`, and `root-key.pem` with mode 0600); loaded on later starts.
import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { x509 } from '../security/x509.js';
import { readFileIfExists, writeFileAtomic } from './ca-files.js';
import { generateSigningKey, importSigningKey, keyMatchesCertificate } from './signing-key.js';
import type { SigningAuthority } from './signing-authority.js';

export const ROOT_CERT_FILE = 'root-cert.pem';
export const ROOT_KEY_FILE = 'root-key.pem';

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
const CLOCK_SKEW_MS = 60_000;

export interface SelfSignedRootOptions {
  /** Named in the root's subject as its organization, as Istio does (`O=cluster.local`). */
  readonly trustDomain: string;
  readonly now?: () => Date;
}

async function createRoot(caDir: string, opts: SelfSignedRootOptions): Promise<SigningAuthority> {
  const key = await generateSigningKey();
  const now = (opts.now ?? (() => new Date()))();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ O: [opts.trustDomain] }, { CN: ['Heddle root CA'] }],
    keys: { privateKey: key.privateKey, publicKey: key.publicKey },
    signingAlgorithm: key.algorithm,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + TEN_YEARS_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(key.publicKey),
    ],
  });
  const certPem = `${cert.toString('pem').trim()}\n`;
  // The certificate first: a certificate left without its key (a crash in between) is replaced on
  // the next start, whereas a key is never overwritten.
  await writeFileAtomic(join(caDir, ROOT_CERT_FILE), certPem, { mode: 0o644 });
  const wrote = await writeFileAtomic(join(caDir, ROOT_KEY_FILE), key.pkcs8Pem, { mode: 0o600, noClobber: true });
  if (!wrote) throw new Error(`another process created a root in ${caDir} at the same time; start again to load it`);
  return { certPem, key, intermediatesPem: [], rootPem: certPem, otherRootsPem: [], source: 'self-signed' };
}

/**
 * Loads the root kept in `caDir`, or creates it (and the directory, mode 0700) when there is none.
 * Throws when the directory holds a key without its certificate, or a pair that does not match.
 */
export async function loadOrCreateSelfSignedRoot(caDir: string, opts: SelfSignedRootOptions): Promise<SigningAuthority> {
  await mkdir(caDir, { recursive: true, mode: 0o700 });
  const keyPem = await readFileIfExists(join(caDir, ROOT_KEY_FILE));
  const certPem = await readFileIfExists(join(caDir, ROOT_CERT_FILE));
  if (keyPem === undefined) return createRoot(caDir, opts);
  if (certPem === undefined) throw new Error(`${join(caDir, ROOT_KEY_FILE)} exists without ${ROOT_CERT_FILE}; restore it, or remove the key to create a new root`);
  const cert = new X509Certificate(certPem);
  if (!keyMatchesCertificate(keyPem, cert.publicKey)) throw new Error(`${join(caDir, ROOT_KEY_FILE)} is not the key of ${join(caDir, ROOT_CERT_FILE)}`);
  const pem = `${certPem.trim()}\n`;
  return { certPem: pem, key: await importSigningKey(keyPem), intermediatesPem: [], rootPem: pem, otherRootsPem: [], source: 'self-signed' };
}
