import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBootstrapTokenVerifier } from '../../citadel/index.js';
import { createTestSpiffeCsr } from '../../citadel/testing-csr.js';
import { createGrpcCaClient } from '../../security/ca-grpc-client.js';
import { runHeddle, startHeddle, stopProcess, waitForLog } from '../../../test/support/heddle.js';

async function withDirs(n: number, fn: (...dirs: string[]) => Promise<void>): Promise<void> {
  const dirs = await Promise.all(Array.from({ length: n }, () => mkdtemp(join(tmpdir(), 'heddle-cli-ca-'))));
  try {
    await fn(...dirs);
  } finally {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

test('Should print a bootstrap token that the CA directory verifies', () =>
  withDirs(1, async (caDir) => {
    const run = runHeddle(['ca', 'token', '--ca-dir', caDir, '--namespace', 'shop', '--service-account', 'cart', '--ttl', '1h']);
    assert.equal(run.status, 0, run.stderr);
    const result = await (await createBootstrapTokenVerifier(caDir)).verify(run.stdout.trim());
    assert.deepEqual(result, { ok: true, value: { namespace: 'shop', serviceAccount: 'cart' } });
    const bad = runHeddle(['ca', 'token', '--ca-dir', caDir, '--namespace', 'shop', '--service-account', 'cart', '--ttl', 'soon']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--ttl must be a duration/);
  }));

test('Should serve the CSR service on the control plane\'s xDS port and over TLS on the secure port', () =>
  withDirs(2, async (configDir, caDir) => {
    const cp = startHeddle(['control-plane', '--config', configDir, '--ca-dir', caDir, '--xds-port', '0', '--secure-port', '0', '--monitoring-port', '0', '--log-format', 'json']);
    try {
      const caReady = waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('CA ready'));
      const ready = await waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('control plane ready'));
      const rootPem = await readFile(join(caDir, 'root-cert.pem'), 'utf8');
      assert.equal((await caReady).rootFingerprint, new X509Certificate(rootPem).fingerprint256);
      const token = async () => runHeddle(['ca', 'token', '--ca-dir', caDir, '--namespace', 'shop', '--service-account', 'cart']).stdout.trim();
      const clients = [
        createGrpcCaClient({ address: String(ready.xds), token }),
        createGrpcCaClient({ address: String(ready.secureXds), token, tls: { rootCertPem: rootPem, serverName: 'istiod.istio-system.svc' } }),
      ];
      try {
        for (const client of clients) {
          const signed = await client.createCertificate({ csrPem: await createTestSpiffeCsr('spiffe://cluster.local/ns/shop/sa/cart'), validitySeconds: 0 });
          assert.equal(new X509Certificate(signed.certChainPem[0]!).subjectAltName, 'URI:spiffe://cluster.local/ns/shop/sa/cart');
          assert.deepEqual(signed.trustBundlePem, [rootPem]);
        }
      } finally {
        for (const client of clients) client.close();
      }
    } finally {
      assert.equal(await stopProcess(cp), 0, 'the control plane exits cleanly on SIGTERM');
    }
  }));
