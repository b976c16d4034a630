import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x509 } from '../security/x509.js';
import { createCertificateAuthority } from './certificate-authority.js';
import { parseCsr } from './csr-parse.js';
import { loadOrCreateSelfSignedRoot, ROOT_KEY_FILE } from './self-signed-root.js';
import { generateSigningKey, importSigningKey } from './signing-key.js';
import { createTestSpiffeCsr } from './testing-csr.js';

const FOO_URI = 'spiffe://cluster.local/ns/default/sa/foo';

/** Writes Istio's cacerts layout into `dir`: an intermediate signed by a root made in `rootDir`. */
async function writeCacerts(dir: string, rootDir: string, opts: { extraRootPem?: string; omitChain?: boolean } = {}): Promise<{ rootPem: string; intermediatePem: string }> {
  const root = await loadOrCreateSelfSignedRoot(rootDir, { trustDomain: 'cluster.local' });
  const rootKey = await importSigningKey(await readFile(join(rootDir, ROOT_KEY_FILE), 'utf8'));
  const key = await generateSigningKey();
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'O=cluster.local, CN=Intermediate CA',
    issuer: new x509.X509Certificate(root.certPem).subjectName,
    publicKey: key.publicKey,
    signingKey: rootKey.privateKey,
    signingAlgorithm: rootKey.algorithm,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const intermediatePem = `${cert.toString('pem')}\n`;
  // SEC1 form ("EC PRIVATE KEY"), as openssl writes it for cacerts.
  await writeFile(join(dir, 'ca-key.pem'), createPrivateKey(key.pkcs8Pem).export({ type: 'sec1', format: 'pem' }));
  await writeFile(join(dir, 'ca-cert.pem'), intermediatePem);
  await writeFile(join(dir, 'root-cert.pem'), root.rootPem + (opts.extraRootPem ?? ''));
  if (!opts.omitChain) await writeFile(join(dir, 'cert-chain.pem'), intermediatePem + root.rootPem);
  return { rootPem: root.rootPem, intermediatePem };
}

async function withDirs(n: number, fn: (...dirs: string[]) => Promise<void>): Promise<void> {
  const dirs = await Promise.all(Array.from({ length: n }, () => mkdtemp(join(tmpdir(), 'heddle-cacerts-'))));
  try {
    await fn(...dirs);
  } finally {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

test('Should sign with a plug-in intermediate and return leaf, intermediate, root, then the other roots', () =>
  withDirs(4, async (caDir, cacerts, rootDir, otherRootDir) => {
    const other = await loadOrCreateSelfSignedRoot(otherRootDir, { trustDomain: 'cluster.local' });
    const { rootPem, intermediatePem } = await writeCacerts(cacerts, rootDir, { extraRootPem: other.rootPem });
    const ca = await createCertificateAuthority({ caDir, trustDomain: 'cluster.local', pluginCaDir: cacerts });
    assert.equal(ca.authority.source, 'plugin');
    const csr = await parseCsr(await createTestSpiffeCsr(FOO_URI));
    assert.ok(csr.ok);
    const result = await ca.sign(csr.value, 0, { namespace: 'default', serviceAccount: 'foo' });
    assert.ok(result.ok);
    const [leaf, intermediate, root, otherRoot, ...rest] = result.value.certChainPem.map((pem) => new X509Certificate(pem));
    assert.equal(rest.length, 0);
    assert.equal(intermediate!.fingerprint256, new X509Certificate(intermediatePem).fingerprint256);
    assert.equal(root!.fingerprint256, new X509Certificate(rootPem).fingerprint256);
    assert.equal(otherRoot!.fingerprint256, new X509Certificate(other.rootPem).fingerprint256);
    assert.ok(leaf!.checkIssued(intermediate!) && leaf!.verify(intermediate!.publicKey), 'leaf signed by the intermediate');
    assert.ok(intermediate!.checkIssued(root!) && intermediate!.verify(root!.publicKey), 'intermediate signed by the root');
    assert.equal(ca.rootFingerprint, root!.fingerprint256);
  }));

test('Should load a plug-in CA without cert-chain.pem', () =>
  withDirs(3, async (caDir, cacerts, rootDir) => {
    const { rootPem } = await writeCacerts(cacerts, rootDir, { omitChain: true });
    const ca = await createCertificateAuthority({ caDir, trustDomain: 'cluster.local', pluginCaDir: cacerts });
    assert.deepEqual(ca.trustBundlePem, [rootPem]);
    assert.equal(ca.authority.intermediatesPem.length, 1);
  }));

test('Should refuse plug-in certificates that do not chain to root-cert.pem', () =>
  withDirs(4, async (caDir, cacerts, rootDir, otherRootDir) => {
    await writeCacerts(cacerts, rootDir, { omitChain: true });
    const other = await loadOrCreateSelfSignedRoot(otherRootDir, { trustDomain: 'cluster.local' });
    await writeFile(join(cacerts, 'root-cert.pem'), other.rootPem);
    await assert.rejects(createCertificateAuthority({ caDir, trustDomain: 'cluster.local', pluginCaDir: cacerts }), /does not chain to any root/);
  }));

test('Should refuse a plug-in key that is not the key of ca-cert.pem', () =>
  withDirs(3, async (caDir, cacerts, rootDir) => {
    await writeCacerts(cacerts, rootDir);
    await writeFile(join(cacerts, 'ca-key.pem'), (await generateSigningKey()).pkcs8Pem);
    await assert.rejects(createCertificateAuthority({ caDir, trustDomain: 'cluster.local', pluginCaDir: cacerts }), /ca-key\.pem is not the key of/);
  }));
