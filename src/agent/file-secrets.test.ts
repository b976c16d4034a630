import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Secret } from '../proxy/tls/secret-provider.js';
import { parseFileSecretName } from './file-secret-name.js';
import { createFileSecrets } from './file-secrets.js';
import { createCapturingLogger, createManualTimers, createSelfSignedPem } from './testing.js';

describe('parseFileSecretName', () => {
  it('Should read the certificate and key paths of a file-cert name', () => {
    assert.deepEqual(parseFileSecretName('file-cert:/etc/certs/cert.pem~/etc/certs/key.pem'), { kind: 'certificate', certPath: '/etc/certs/cert.pem', keyPath: '/etc/certs/key.pem' });
  });

  it('Should read the CA path of a file-root name', () => {
    assert.deepEqual(parseFileSecretName('file-root:/etc/certs/root.pem'), { kind: 'validation', caPath: '/etc/certs/root.pem' });
  });

  it('Should refuse other names and file-cert names without a key', () => {
    for (const name of ['default', 'ROOTCA', 'file-cert:/a.pem', 'file-cert:/a~/b~/c', 'file-root:', 'kubernetes://cred']) {
      assert.equal(parseFileSecretName(name), undefined, name);
    }
  });
});

describe('FileSecrets', () => {
  let dir: string;
  let a: { certPem: string; keyPem: string };
  let b: { certPem: string; keyPem: string };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heddle-file-secrets-'));
    [a, b] = await Promise.all([createSelfSignedPem('a'), createSelfSignedPem('b')]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const setup = (sub: string) => {
    const timers = createManualTimers(0);
    const { log, lines } = createCapturingLogger();
    const files = createFileSecrets({ log, timers, pollIntervalMs: 1000 });
    const cert = join(dir, `${sub}-cert.pem`);
    const key = join(dir, `${sub}-key.pem`);
    return { timers, files, lines, cert, key, certName: `file-cert:${cert}~${key}`, rootName: `file-root:${cert}` };
  };

  it('Should load a certificate with its key, and a root, from files', () => {
    const t = setup('load');
    writeFileSync(t.cert, a.certPem);
    writeFileSync(t.key, a.keyPem);
    assert.deepEqual(t.files.get(t.certName), { kind: 'certificate', certificateChainPem: a.certPem, privateKeyPem: a.keyPem });
    assert.deepEqual(t.files.get(t.rootName), { kind: 'validation', trustedCaPem: a.certPem });
    assert.equal(t.files.get('default'), undefined);
    t.files.close();
  });

  it('Should tell watchers when the files change, once both certificate and key match', () => {
    const t = setup('change');
    writeFileSync(t.cert, a.certPem);
    writeFileSync(t.key, a.keyPem);
    const seen: Array<Secret | undefined> = [];
    t.files.watch(t.certName, (s) => seen.push(s));
    t.timers.advance(1000);
    assert.deepEqual(seen, [], 'no call while nothing changed');
    writeFileSync(t.cert, b.certPem);
    t.timers.advance(1000);
    assert.deepEqual(seen, [], 'a new certificate with the old key is not served');
    assert.equal((t.files.get(t.certName) as { certificateChainPem: string }).certificateChainPem, a.certPem, 'the last good pair stays');
    writeFileSync(t.key, b.keyPem);
    t.timers.advance(1000);
    assert.deepEqual(seen, [{ kind: 'certificate', certificateChainPem: b.certPem, privateKeyPem: b.keyPem }]);
    assert.deepEqual(t.files.get(t.certName), seen[0]);
    t.files.close();
  });

  it('Should serve nothing for missing files and pick them up when they appear', () => {
    const t = setup('missing');
    const seen: Array<Secret | undefined> = [];
    t.files.watch(t.rootName, (s) => seen.push(s));
    assert.equal(t.files.get(t.rootName), undefined);
    assert.ok(t.lines.some((l) => /unusable/.test(l.msg)));
    writeFileSync(t.cert, a.certPem);
    t.timers.advance(1000);
    assert.deepEqual(seen, [{ kind: 'validation', trustedCaPem: a.certPem }]);
    t.files.close();
  });

  it('Should stop polling files nobody watches or asks for', () => {
    const t = setup('unwatched');
    writeFileSync(t.cert, a.certPem);
    const stop = t.files.watch(t.rootName, () => undefined);
    t.timers.advance(1000);
    assert.equal(t.timers.pending().length, 1, 'polling while watched');
    stop();
    t.timers.advance(1000);
    t.timers.advance(1000);
    assert.deepEqual(t.timers.pending(), [], 'no timer once unwatched');
    t.files.close();
  });

  it('Should leave no timer after close', () => {
    const t = setup('close');
    writeFileSync(t.cert, a.certPem);
    t.files.watch(t.rootName, () => undefined);
    t.files.close();
    assert.deepEqual(t.timers.pending(), []);
  });
});
