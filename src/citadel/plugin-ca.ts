// A user's CA in Istio's plug-in `cacerts` layout: `ca-cert.pem` and `ca-key.pem` sign,
// `cert-chain.pem` leads from `ca-cert.pem` up to the root, `root-cert.pem` holds the root(s).
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitPemCertificates } from '../security/pem-bundle.js';
import { readFileIfExists } from './ca-files.js';
import { importSigningKey, keyMatchesCertificate } from './signing-key.js';
import type { SigningAuthority } from './signing-authority.js';

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function isSelfSigned(cert: X509Certificate): boolean {
  return issuedBy(cert, cert);
}

/**
 * Loads a plug-in CA from `dir`. `cert-chain.pem` is optional (just `ca-cert.pem` when absent);
 * roots inside it are ignored in favour of `root-cert.pem`, which may hold several roots: the one
 * that issued the chain's top is the signing root, the others are kept as extra trust roots.
 * `ca-cert.pem` may itself be a root. Throws, naming the file, when the files don't fit together.
 */
export async function loadPluginCa(dir: string): Promise<SigningAuthority> {
  const file = (name: string) => join(dir, name);
  const certPem = splitPemCertificates(await readFile(file('ca-cert.pem'), 'utf8'))[0];
  if (!certPem) throw new Error(`${file('ca-cert.pem')} holds no certificate`);
  const keyPem = await readFile(file('ca-key.pem'), 'utf8');
  const cert = new X509Certificate(certPem);
  if (!cert.ca) throw new Error(`${file('ca-cert.pem')} is not a CA certificate (basicConstraints CA:FALSE)`);
  if (!keyMatchesCertificate(keyPem, cert.publicKey)) throw new Error(`${file('ca-key.pem')} is not the key of ${file('ca-cert.pem')}`);
  const roots = splitPemCertificates(await readFile(file('root-cert.pem'), 'utf8'));
  if (roots.length === 0) throw new Error(`${file('root-cert.pem')} holds no certificate`);

  const chainText = await readFileIfExists(file('cert-chain.pem'));
  const chainPem = (chainText === undefined ? [certPem] : splitPemCertificates(chainText)).filter((pem) => !isSelfSigned(new X509Certificate(pem)));
  const intermediatesPem = isSelfSigned(cert) ? [] : chainPem[0] && new X509Certificate(chainPem[0]).fingerprint256 === cert.fingerprint256 ? chainPem : [certPem, ...chainPem];
  for (let i = 1; i < intermediatesPem.length; i++) {
    if (!issuedBy(new X509Certificate(intermediatesPem[i - 1] as string), new X509Certificate(intermediatesPem[i] as string))) {
      throw new Error(`${file('cert-chain.pem')}: certificate ${i + 1} did not issue certificate ${i}`);
    }
  }
  const top = new X509Certificate(intermediatesPem.at(-1) ?? certPem);
  const rootPem = roots.find((pem) => issuedBy(top, new X509Certificate(pem)));
  if (!rootPem) throw new Error(`${file('ca-cert.pem')} does not chain to any root in ${file('root-cert.pem')}`);
  return {
    certPem,
    key: await importSigningKey(keyPem),
    intermediatesPem,
    rootPem,
    otherRootsPem: roots.filter((pem) => pem !== rootPem),
    source: 'plugin',
  };
}
