import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, importPKCS8 } from 'jose';
import { createBootstrapTokenVerifier, issueBootstrapToken } from './bootstrap-token.js';
import { TOKEN_KEY_FILE } from './token-key.js';

const CART = { namespace: 'shop', serviceAccount: 'cart' };

async function withDirs(n: number, fn: (...dirs: string[]) => Promise<void>): Promise<void> {
  const dirs = await Promise.all(Array.from({ length: n }, () => mkdtemp(join(tmpdir(), 'heddle-token-'))));
  try {
    await fn(...dirs);
  } finally {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

async function refusal(caDir: string, token: string, now?: Date): Promise<string> {
  const verifier = await createBootstrapTokenVerifier(caDir, now ? { now: () => now } : {});
  const result = await verifier.verify(token);
  assert.equal(result.ok ? undefined : result.error.code, 'unauthenticated');
  return result.ok ? '' : result.error.message;
}

test('Should verify a token it issued and return the identity it names', () =>
  withDirs(1, async (dir) => {
    const token = await issueBootstrapToken(dir, CART);
    const result = await (await createBootstrapTokenVerifier(dir)).verify(token);
    assert.deepEqual(result, { ok: true, value: CART });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims.iss, 'heddle-control-plane');
    assert.equal(claims.aud, 'heddle-ca');
    assert.equal(claims.sub, 'system:serviceaccount:shop:cart');
    assert.equal(claims.namespace, 'shop');
    assert.equal(claims.serviceAccount, 'cart');
    assert.equal((claims.exp as number) - (claims.iat as number), 24 * 3600, 'default lifetime 24h');
    assert.equal((await stat(join(dir, TOKEN_KEY_FILE))).mode & 0o777, 0o600);
  }));

test('Should refuse an expired token', () =>
  withDirs(1, async (dir) => {
    const token = await issueBootstrapToken(dir, CART, 60);
    assert.match(await refusal(dir, token, new Date(Date.now() + 3600_000)), /expired/);
  }));

test('Should refuse a token signed by another control plane', () =>
  withDirs(2, async (dir, other) => {
    await issueBootstrapToken(dir, CART);
    assert.match(await refusal(dir, await issueBootstrapToken(other, CART)), /not signed by this control plane/);
  }));

test('Should refuse a token for another audience, or whose claims disagree', () =>
  withDirs(1, async (dir) => {
    await issueBootstrapToken(dir, CART);
    const key = await importPKCS8(await readFile(join(dir, TOKEN_KEY_FILE), 'utf8'), 'ES256');
    const sign = (aud: string, sub: string) =>
      new SignJWT({ ...CART })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer('heddle-control-plane')
        .setAudience(aud)
        .setSubject(sub)
        .setExpirationTime('1h')
        .sign(key);
    assert.match(await refusal(dir, await sign('istio-ca', 'system:serviceaccount:shop:cart')), /"aud" claim/);
    assert.match(await refusal(dir, await sign('heddle-ca', 'system:serviceaccount:shop:admin')), /consistently/);
    assert.match(await refusal(dir, 'not-a-jwt'), /not valid/);
  }));

test('Should refuse to issue a token for a name Kubernetes would not accept', () =>
  withDirs(1, async (dir) => {
    await assert.rejects(issueBootstrapToken(dir, { namespace: 'Shop', serviceAccount: 'cart' }), /namespace "Shop"/);
    await assert.rejects(issueBootstrapToken(dir, { namespace: 'shop', serviceAccount: 'a:b' }), /serviceAccount "a:b"/);
  }));

test('Should keep one token key when several callers create it at once', () =>
  withDirs(1, async (dir) => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => issueBootstrapToken(dir, CART)));
    const verifier = await createBootstrapTokenVerifier(dir);
    for (const token of tokens) assert.equal((await verifier.verify(token)).ok, true);
  }));
