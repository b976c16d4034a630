import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFilePaths, writeCertificateFiles } from './cert-files.js';
import type { WorkloadCertificate } from './workload-certificate.js';

function certificate(tag: string): WorkloadCertificate {
  return {
    spiffeId: 'spiffe://cluster.local/ns/default/sa/echo',
    certificateChainPem: `LEAF ${tag}\nINTERMEDIATE ${tag}\n`,
    privateKeyPem: `KEY ${tag}\n`,
    trustBundlePem: [`ROOT-A ${tag}`, `ROOT-B ${tag}\n`],
    serialNumber: tag,
    notBefore: 0,
    notAfter: 1,
  };
}

describe('writeCertificateFiles', () => {
  it('Should name the files as Istio\'s agent does, with absolute paths', () => {
    const paths = certificateFilePaths('out');
    assert.equal(paths.certificateFile, join(process.cwd(), 'out', 'cert-chain.pem'));
    assert.equal(paths.privateKeyFile, join(process.cwd(), 'out', 'key.pem'));
    assert.equal(paths.caCertificateFile, join(process.cwd(), 'out', 'root-cert.pem'));
  });

  it('Should write the chain, the key with mode 0600 and every root, and rewrite all three for a new certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'heddle-cert-files-'));
    try {
      const paths = certificateFilePaths(dir);
      for (const tag of ['one', 'two']) {
        await writeCertificateFiles(paths, certificate(tag));
        assert.equal(await readFile(paths.certificateFile, 'utf8'), `LEAF ${tag}\nINTERMEDIATE ${tag}\n`);
        assert.equal(await readFile(paths.privateKeyFile, 'utf8'), `KEY ${tag}\n`);
        assert.equal(await readFile(paths.caCertificateFile, 'utf8'), `ROOT-A ${tag}\nROOT-B ${tag}\n`);
        assert.equal((await stat(paths.privateKeyFile)).mode & 0o777, 0o600);
        assert.equal((await stat(paths.certificateFile)).mode & 0o777, 0o644);
        assert.equal((await stat(paths.caCertificateFile)).mode & 0o777, 0o644);
      }
      assert.deepEqual((await readdir(dir)).sort(), ['cert-chain.pem', 'key.pem', 'root-cert.pem']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
