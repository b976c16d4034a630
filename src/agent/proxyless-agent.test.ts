import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { access, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaClientError } from '../security/ca-client.js';
import { createProxylessAgent, GRPC_BOOTSTRAP_FILE, type ProxylessAgent } from './proxyless-agent.js';
import { createCapturingLogger, createFakeCa, createManualTimers, type FakeCa, type ManualTimers } from './testing.js';

const START = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;
const IDENTITY = { trustDomain: 'cluster.local', namespace: 'shop', serviceAccount: 'cart' };
const BOOTSTRAP = { xdsAddress: '127.0.0.1:15010', name: 'cart-v1', namespace: 'shop', serviceAccount: 'cart', labels: { app: 'cart' }, ip: '127.0.0.1' };

interface Harness {
  dir: string;
  agent: ProxylessAgent;
  ca: FakeCa;
  timers: ManualTimers;
  lines: Array<{ level: number; msg: string }>;
}

async function withAgent(fn: (h: Harness) => Promise<void>, withCa = true): Promise<void> {
  const dir = join(await mkdtemp(join(tmpdir(), 'heddle-proxyless-')), 'out');
  const timers = createManualTimers(START);
  const ca = await createFakeCa(timers.now);
  const { log, lines } = createCapturingLogger();
  const agent = createProxylessAgent({ identity: IDENTITY, ...(withCa ? { ca } : {}), certTtlMs: 2 * HOUR, outputDir: dir, bootstrap: BOOTSTRAP, log, timers, random: () => 0.5 });
  try {
    await fn({ dir, agent, ca, timers, lines });
  } finally {
    await agent.close();
    await rm(join(dir, '..'), { recursive: true, force: true });
  }
}

/** Waits (a bounded number of event-loop turns with real file I/O in between) until `check` holds. */
async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const exists = (path: string) => access(path).then(() => true, () => false);
const serialOf = async (dir: string) => new X509Certificate(await readFile(join(dir, 'cert-chain.pem'))).serialNumber;

describe('ProxylessAgent', () => {
  it('Should write the certificate files, then the bootstrap naming them, only once the CA has answered', () =>
    withAgent(async ({ dir, agent, ca, timers, lines }) => {
      ca.script({ kind: 'fail', error: new CaClientError('unavailable', 'connection refused') });
      const ready = agent.start();
      await until(() => lines.some((l) => l.msg.startsWith('certificate request failed')), 'the failed request');
      assert.equal(await exists(join(dir, GRPC_BOOTSTRAP_FILE)), false, 'no bootstrap before a certificate');
      assert.equal(await exists(join(dir, 'cert-chain.pem')), false);
      timers.advance(2000);
      assert.equal(await ready, join(dir, GRPC_BOOTSTRAP_FILE));

      const leaf = new X509Certificate(await readFile(join(dir, 'cert-chain.pem')));
      assert.equal(leaf.subjectAltName, 'URI:spiffe://cluster.local/ns/shop/sa/cart');
      assert.ok(leaf.checkPrivateKey(createPrivateKey(await readFile(join(dir, 'key.pem')))), 'key.pem is the leaf\'s key');
      assert.equal((await stat(join(dir, 'key.pem'))).mode & 0o777, 0o600);
      assert.equal(await readFile(join(dir, 'root-cert.pem'), 'utf8'), `${ca.rootPem}\n`);
      const bootstrap = JSON.parse(await readFile(join(dir, GRPC_BOOTSTRAP_FILE), 'utf8')) as { certificate_providers: Record<string, { config: Record<string, string> }> };
      assert.deepEqual(bootstrap.certificate_providers.default?.config, {
        certificate_file: join(dir, 'cert-chain.pem'),
        private_key_file: join(dir, 'key.pem'),
        ca_certificate_file: join(dir, 'root-cert.pem'),
        refresh_interval: '5s',
      });
      assert.ok(lines.some((l) => l.msg === 'agent ready'));
      assert.equal(ca.requests[0]?.validitySeconds, 7200);
    }));

  it('Should rewrite the files at rotation, and keep the last ones while the CA is away', () =>
    withAgent(async ({ dir, agent, ca, timers }) => {
      await agent.start();
      const first = await serialOf(dir);
      timers.advance(HOUR);
      await until(async () => (await serialOf(dir)) !== first, 'the rotated certificate on disk');
      const second = await serialOf(dir);
      const key = createPrivateKey(await readFile(join(dir, 'key.pem')));
      assert.ok(new X509Certificate(await readFile(join(dir, 'cert-chain.pem'))).checkPrivateKey(key), 'the new key matches the new chain');

      ca.script(...Array.from({ length: 5 }, () => ({ kind: 'fail' as const, error: new CaClientError('unavailable', 'down') })));
      const requests = ca.requests.length;
      timers.advance(HOUR);
      for (let i = 0; i < 4; i++) {
        await until(() => ca.requests.length > requests + i, `retry ${i + 1}`);
        timers.advance(20_000);
      }
      assert.equal(await serialOf(dir), second, 'the last certificate stays on disk');
      assert.ok(await exists(join(dir, GRPC_BOOTSTRAP_FILE)));
    }));

  it('Should write a plaintext bootstrap at once without a CA, and say so', () =>
    withAgent(async ({ dir, agent, lines }) => {
      const path = await agent.start();
      const bootstrap = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      assert.equal('certificate_providers' in bootstrap, false);
      assert.equal(await exists(join(dir, 'key.pem')), false);
      assert.ok(lines.some((l) => l.msg.startsWith('no CA token')));
    }, false));

  it('Should close its CA client and leave no timer behind', () =>
    withAgent(async ({ agent, ca, timers }) => {
      await agent.start();
      assert.ok(timers.pending().length > 0, 'rotation is scheduled');
      await agent.close();
      assert.ok(ca.closed);
      assert.deepEqual(timers.pending(), []);
    }));
});
