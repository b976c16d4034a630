import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, type CertificateAuthority, type CertificateAuthorityConfig } from './certificate-authority.js';
import { parseCsr, type ParsedCsr } from './csr-parse.js';
import { ROOT_CERT_FILE, ROOT_KEY_FILE } from './self-signed-root.js';
import { createTestSpiffeCsr } from './testing-csr.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const FOO = { namespace: 'default', serviceAccount: 'foo' };
const FOO_URI = 'spiffe://cluster.local/ns/default/sa/foo';

async function withCaDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-ca-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function createCa(caDir: string, extra: Partial<CertificateAuthorityConfig> = {}): Promise<CertificateAuthority> {
  return createCertificateAuthority({ caDir, trustDomain: 'cluster.local', now: () => NOW, ...extra });
}

async function csrFor(uri: string, rsa = false): Promise<ParsedCsr> {
  const parsed = await parseCsr(await createTestSpiffeCsr(uri, { rsa }));
  assert.ok(parsed.ok, 'the test CSR parses');
  return parsed.value;
}

async function signOk(ca: CertificateAuthority, csr: ParsedCsr, ttl: number): Promise<X509Certificate[]> {
  const result = await ca.sign(csr, ttl, FOO);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value.certChainPem.map((pem) => new X509Certificate(pem));
}

test('Should create a P-256 root valid for ten years, with its key file at mode 0600', () =>
  withCaDir(async (dir) => {
    const ca = await createCa(dir);
    const root = new X509Certificate(await readFile(join(dir, ROOT_CERT_FILE), 'utf8'));
    assert.equal(root.ca, true);
    assert.equal(root.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(root.verify(root.publicKey), 'self-signed');
    const years = (new Date(root.validTo).getTime() - NOW.getTime()) / (365 * 24 * 3600 * 1000);
    assert.ok(years > 9.99 && years < 10.01, `root lives ${years} years`);
    assert.equal((await stat(join(dir, ROOT_KEY_FILE))).mode & 0o777, 0o600);
    assert.equal(ca.rootFingerprint, root.fingerprint256);
    assert.equal(ca.authority.source, 'self-signed');
  }));

test('Should reuse the persisted root on a second start', () =>
  withCaDir(async (dir) => {
    const first = await createCa(dir);
    const second = await createCa(dir);
    assert.equal(second.rootFingerprint, first.rootFingerprint);
    const chain = await signOk(second, await csrFor(FOO_URI), 0);
    assert.ok(chain[0]!.verify(new X509Certificate(first.authority.rootPem).publicKey), 'signed by the first start\'s root');
  }));

test('Should refuse a key file that does not belong to the root certificate', () =>
  withCaDir(async (dir) => {
    await createCa(dir);
    const other = await mkdtemp(join(tmpdir(), 'heddle-ca-'));
    try {
      await createCa(other);
      await writeFile(join(dir, ROOT_KEY_FILE), await readFile(join(other, ROOT_KEY_FILE)));
      await assert.rejects(createCa(dir), /is not the key of/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  }));

test('Should issue a certificate with only the SPIFFE URI SAN, Istio\'s usages, and a chain that verifies', () =>
  withCaDir(async (dir) => {
    const ca = await createCa(dir);
    const [leaf, root] = await signOk(ca, await csrFor(FOO_URI), 3600);
    assert.ok(leaf && root);
    assert.equal(leaf.subjectAltName, `URI:${FOO_URI}`);
    assert.equal(leaf.ca, false);
    assert.deepEqual([...(leaf.keyUsage ?? [])].sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.ok(leaf.checkIssued(root) && leaf.verify(root.publicKey));
    assert.equal(root.fingerprint256, ca.rootFingerprint);
    assert.equal(new Date(leaf.validFrom).getTime(), NOW.getTime() - 60_000, 'backdated a minute for clock skew');
  }));

test('Should accept an RSA CSR key', () =>
  withCaDir(async (dir) => {
    const ca = await createCa(dir);
    const [leaf] = await signOk(ca, await csrFor(FOO_URI, true), 0);
    assert.equal(leaf!.publicKey.asymmetricKeyType, 'rsa');
  }));

test('Should default the lifetime to 24h and cap it at the maximum', () =>
  withCaDir(async (dir) => {
    const ca = await createCa(dir, { maxTtlSeconds: 48 * 3600 });
    const lifetime = (cert: X509Certificate) => (new Date(cert.validTo).getTime() - NOW.getTime()) / 1000;
    assert.equal(lifetime((await signOk(ca, await csrFor(FOO_URI), 0))[0]!), 24 * 3600);
    assert.equal(lifetime((await signOk(ca, await csrFor(FOO_URI), 3600))[0]!), 3600);
    assert.equal(lifetime((await signOk(ca, await csrFor(FOO_URI), 365 * 24 * 3600))[0]!), 48 * 3600);
  }));

test('Should refuse a negative lifetime with a ttl error', () =>
  withCaDir(async (dir) => {
    const result = await (await createCa(dir)).sign(await csrFor(FOO_URI), -5, FOO);
    assert.equal(result.ok ? undefined : result.error.code, 'ttl');
  }));

test('Should refuse a CSR whose identity differs from the proven one, or is in another trust domain', () =>
  withCaDir(async (dir) => {
    const ca = await createCa(dir);
    for (const uri of ['spiffe://cluster.local/ns/default/sa/bar', 'spiffe://other.domain/ns/default/sa/foo']) {
      const result = await ca.sign(await csrFor(uri), 0, FOO);
      assert.equal(result.ok ? undefined : result.error.code, 'identity-mismatch', uri);
      assert.match(result.ok ? '' : result.error.message, /caller proved spiffe:\/\/cluster\.local\/ns\/default\/sa\/foo/);
    }
  }));

test('Should put every trust-bundle root after the signing root, from the CA directory and from flags', () =>
  withCaDir(async (dir) => {
    const others = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), 'heddle-ca-'))));
    try {
      const [a, b] = await Promise.all(others.map((d) => createCa(d)));
      await writeFile(join(dir, 'trust-bundle.pem'), a!.authority.rootPem);
      const ca = await createCa(dir, { extraRootsPem: [b!.authority.rootPem, a!.authority.rootPem] });
      const fingerprints = ca.trustBundlePem.map((pem) => new X509Certificate(pem).fingerprint256);
      assert.deepEqual(fingerprints, [ca.rootFingerprint, a!.rootFingerprint, b!.rootFingerprint], 'signing root first, each root once');
      const chain = await signOk(ca, await csrFor(FOO_URI), 0);
      assert.equal(chain.length, 4);
      assert.deepEqual(chain.slice(1).map((c) => c.fingerprint256), fingerprints);
    } finally {
      await Promise.all(others.map((d) => rm(d, { recursive: true, force: true })));
    }
  }));

test('Should refuse a trust-bundle entry that is not a self-signed CA', () =>
  withCaDir(async (dir) => {
    const ca = await createCa(dir);
    const [leaf] = await signOk(ca, await csrFor(FOO_URI), 0);
    await assert.rejects(createCa(dir, { extraRootsPem: [leaf!.toString()] }), /not a self-signed CA certificate/);
  }));
