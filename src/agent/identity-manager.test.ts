import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { CaClientError } from '../security/ca-client.js';
import { x509 } from '../security/x509.js';
import { createIdentityManager, type IdentityManager } from './identity-manager.js';
import { createCapturingLogger, createFakeCa, createManualTimers, sanOf, type FakeCa, type ManualTimers } from './testing.js';
import type { WorkloadCertificate } from './workload-certificate.js';

const START = Date.UTC(2030, 0, 1);
const DAY = 86_400_000;
const IDENTITY = { trustDomain: 'cluster.local', namespace: 'bookinfo', serviceAccount: 'reviews' };
const SPIFFE = 'spiffe://cluster.local/ns/bookinfo/sa/reviews';
const ERROR = 50;

interface Harness {
  manager: IdentityManager;
  ca: FakeCa;
  timers: ManualTimers;
  lines: Array<{ level: number; msg: string }>;
  changes: Array<WorkloadCertificate | undefined>;
}

async function harness(random = () => 0.5): Promise<Harness> {
  const timers = createManualTimers(START);
  const ca = await createFakeCa(timers.now);
  const { log, lines } = createCapturingLogger();
  const manager = createIdentityManager({ identity: IDENTITY, ca, certTtlMs: DAY, log, timers, random });
  const changes: Array<WorkloadCertificate | undefined> = [];
  manager.onChange((c) => changes.push(c));
  return { manager, ca, timers, lines, changes };
}

async function started(random?: () => number): Promise<Harness & { first: WorkloadCertificate }> {
  const h = await harness(random);
  h.manager.start();
  await h.manager.settled();
  const first = h.manager.current();
  assert.ok(first, 'the first certificate arrived');
  return { ...h, first };
}

/** Advances the clock and waits for any request it started. */
async function advance(h: Harness, ms: number): Promise<void> {
  h.timers.advance(ms);
  await h.manager.settled();
}

describe('IdentityManager', () => {
  it('Should obtain a certificate for its own SPIFFE ID and its in-memory key', async () => {
    const { manager, ca, first, changes } = await started();
    assert.equal(ca.requests.length, 1);
    assert.equal(ca.requests[0]!.validitySeconds, 86_400);
    const csr = new x509.Pkcs10CertificateRequest(ca.requests[0]!.csrPem);
    assert.deepEqual(sanOf(csr)?.names.toJSON(), [{ type: 'url', value: SPIFFE }]);
    assert.equal(first.spiffeId, SPIFFE);
    const leaf = new X509Certificate(first.certificateChainPem);
    assert.ok(leaf.checkPrivateKey(createPrivateKey(first.privateKeyPem)), 'the leaf certifies the served key');
    assert.equal((first.certificateChainPem.match(/BEGIN CERTIFICATE/g) ?? []).length, 2, 'leaf and intermediate');
    assert.deepEqual(first.trustBundlePem.map((p) => p.trim()), [ca.rootPem.trim()]);
    assert.deepEqual(changes, [first]);
    const status = manager.status();
    assert.equal(status.state, 'valid');
    assert.equal(status.serialNumber, first.serialNumber);
    assert.equal(status.notAfter, new Date(first.notAfter).toISOString());
    assert.equal(status.nextRotation, new Date(first.notBefore + DAY / 2).toISOString());
  });

  it('Should renew at half the lifetime with a new key and tell its watchers', async () => {
    const h = await started();
    await advance(h, DAY / 2 - 1000);
    assert.equal(h.ca.requests.length, 1, 'not renewed before half the lifetime');
    await advance(h, 1000);
    assert.equal(h.ca.requests.length, 2);
    const second = h.manager.current();
    assert.ok(second);
    assert.notEqual(second.serialNumber, h.first.serialNumber);
    assert.notEqual(second.privateKeyPem, h.first.privateKeyPem, 'a new key per rotation');
    assert.deepEqual(h.changes, [h.first, second]);
  });

  for (const [random, ratio] of [[0, 0.45], [0.999_999, 0.55]] as const) {
    it(`Should keep the jittered rotation within 5% of the lifetime around half (random ${random})`, async () => {
      const { manager, first } = await started(() => random);
      const next = Date.parse(manager.status().nextRotation!);
      const expected = first.notBefore + (first.notAfter - first.notBefore) * ratio;
      assert.ok(Math.abs(next - expected) < 1000, `rotation at ${(next - first.notBefore) / DAY} of the lifetime`);
    });
  }

  it('Should back off while the CA is unavailable and keep serving the current certificate', async () => {
    const h = await started();
    const unavailable = () => ({ kind: 'fail', error: new CaClientError('unavailable', 'connection refused') }) as const;
    h.ca.script(unavailable(), unavailable(), unavailable());
    await advance(h, DAY / 2);
    assert.equal(h.ca.requests.length, 2);
    assert.equal(h.manager.current(), h.first, 'the old certificate is still served');
    for (const [delay, total] of [[1000, 3], [2000, 4], [4000, 5]] as const) {
      await advance(h, delay - 1);
      assert.equal(h.ca.requests.length, total - 1, `no retry before ${delay} ms`);
      await advance(h, 1);
      assert.equal(h.ca.requests.length, total, `retry after ${delay} ms`);
    }
    assert.notEqual(h.manager.current(), h.first, 'the CA answered the fourth retry');
    assert.equal(h.manager.status().consecutiveFailures, 0);
    assert.equal(h.changes.length, 2, 'failures do not notify');
  });

  it('Should cap the backoff at a minute', async () => {
    const h = await harness();
    for (let i = 0; i < 12; i++) h.ca.script({ kind: 'fail', error: new CaClientError('unavailable', 'down') });
    h.manager.start();
    await h.manager.settled();
    for (let i = 0; i < 10; i++) await advance(h, 60_000);
    assert.equal(h.ca.requests.length, 11, 'every retry came within a minute');
    assert.equal(h.manager.current(), undefined);
    assert.equal(h.manager.status().state, 'pending');
  });

  it('Should stop serving a certificate that expired without renewal, and recover when the CA returns', async () => {
    const h = await started();
    for (let i = 0; i < 200; i++) h.ca.script({ kind: 'fail', error: new CaClientError('unavailable', 'down') });
    await advance(h, h.first.notAfter - h.timers.now() - 1);
    assert.equal(h.manager.current(), h.first);
    await advance(h, 1);
    assert.equal(h.manager.current(), undefined);
    assert.equal(h.changes.at(-1), undefined, 'watchers hear of the expiry');
    assert.equal(h.manager.status().state, 'expired');
    assert.ok(h.lines.some((l) => l.level >= ERROR && /expired/.test(l.msg)));
    h.ca.reset();
    await advance(h, 60_000);
    assert.ok(h.manager.current(), 'a new certificate once the CA answers');
    assert.equal(h.manager.status().state, 'valid');
  });

  for (const [kind, step] of [
    ['another identity', { kind: 'wrong-identity', uri: 'spiffe://cluster.local/ns/bookinfo/sa/ratings' }],
    ['another key', { kind: 'wrong-key' }],
    ['an untrusted chain', { kind: 'untrusted' }],
  ] as const) {
    it(`Should refuse a certificate for ${kind} and retry slowly`, async () => {
      const h = await harness();
      h.ca.script(step);
      h.manager.start();
      await h.manager.settled();
      assert.equal(h.manager.current(), undefined);
      assert.deepEqual(h.changes, []);
      assert.ok(h.lines.some((l) => l.level >= ERROR && /configuration error/.test(l.msg)));
      await advance(h, 45_000);
      assert.equal(h.ca.requests.length, 1, 'no quick retry');
      await advance(h, 30_000);
      assert.equal(h.ca.requests.length, 2);
      assert.ok(h.manager.current());
    });
  }

  for (const kind of ['unauthenticated', 'permission-denied'] as const) {
    it(`Should log a ${kind} answer as a configuration error and retry slowly`, async () => {
      const h = await harness();
      h.ca.script({ kind: 'fail', error: new CaClientError(kind, 'token rejected') });
      h.manager.start();
      await h.manager.settled();
      assert.ok(h.lines.some((l) => l.level >= ERROR && /configuration error.*token rejected/.test(l.msg)));
      assert.equal(h.manager.status().lastError, 'token rejected');
      await advance(h, 45_000);
      assert.equal(h.ca.requests.length, 1);
      await advance(h, 30_000);
      assert.ok(h.manager.current());
    });
  }

  it('Should retry with backoff when the token cannot be read', async () => {
    const h = await harness();
    const ca = h.ca;
    const sign = ca.createCertificate.bind(ca);
    let calls = 0;
    ca.createCertificate = async (request) => {
      if (++calls === 1) throw new Error('ENOENT: no such file, open /var/run/token');
      return sign(request);
    };
    h.manager.start();
    await h.manager.settled();
    assert.equal(h.manager.current(), undefined);
    await advance(h, 1000);
    assert.ok(h.manager.current());
  });

  it('Should leave no timer behind and ignore late answers once stopped', async () => {
    const h = await started();
    h.manager.stop();
    assert.deepEqual(h.timers.pending(), []);
    await advance(h, 2 * DAY);
    assert.equal(h.ca.requests.length, 1);
    assert.equal(h.changes.length, 1);
  });
});
