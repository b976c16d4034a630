import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UNUSABLE_JWKS, createHttpJwksFetcher } from './jwks-fetcher.js';
import { createJwksResolver } from './jwks-resolver.js';

const quiet = { warn: () => {}, info: () => {} };
const keys = (kid: string) => JSON.stringify({ keys: [{ kty: 'oct', kid, k: 'c2VjcmV0' }] });

test('Should refetch a key set older than the refresh interval and report the change', async () => {
  let now = 0;
  let served = keys('a');
  const jwks = createJwksResolver({ fetch: () => Promise.resolve(served), now: () => now, refreshIntervalMs: 1_000, schedule: () => () => {}, log: quiet });
  let changes = 0;
  jwks.onChange(() => changes++);
  jwks.resolve('http://127.0.0.1/k');
  await jwks.settled();
  served = keys('b');
  now = 999;
  assert.equal(jwks.resolve('http://127.0.0.1/k'), keys('a'));
  await jwks.settled();
  assert.equal(changes, 1, 'still fresh, so not fetched again');
  now = 1_000;
  assert.equal(jwks.resolve('http://127.0.0.1/k'), keys('a'), 'the stale set serves while the new one is fetched');
  await jwks.settled();
  assert.equal(changes, 2);
  assert.equal(jwks.resolve('http://127.0.0.1/k'), keys('b'));
});

test('Should keep the last key set when a refresh fails, and refuse a body that is not a key set', async () => {
  let body: Promise<string> = Promise.resolve(keys('a'));
  const jwks = createJwksResolver({ fetch: () => body, schedule: () => () => {}, log: quiet });
  jwks.resolve('http://127.0.0.1/k');
  await jwks.settled();
  body = Promise.resolve('<html>');
  await jwks.refresh();
  assert.equal(jwks.resolve('http://127.0.0.1/k'), keys('a'));
  const other = createJwksResolver({ fetch: () => Promise.resolve('{"issuer":"x"}'), schedule: () => () => {}, log: quiet });
  other.resolve('http://127.0.0.1/k');
  await other.settled();
  assert.equal(other.resolve('http://127.0.0.1/k'), UNUSABLE_JWKS);
});

test('Should find the key set of an issuer without jwksUri through its OpenID discovery document', async () => {
  const asked: string[] = [];
  const docs: Record<string, string> = {
    'https://issuer.example/.well-known/openid-configuration': JSON.stringify({ jwks_uri: 'https://issuer.example/keys' }),
    'https://issuer.example/keys': keys('d'),
  };
  const jwks = createJwksResolver({ fetch: (u) => (asked.push(u), docs[u] ? Promise.resolve(docs[u]) : Promise.reject(new Error('404'))), schedule: () => () => {}, log: quiet });
  jwks.resolveIssuer('https://issuer.example/');
  await jwks.settled();
  assert.equal(jwks.resolveIssuer('https://issuer.example/'), keys('d'));
  assert.deepEqual(asked, ['https://issuer.example/.well-known/openid-configuration', 'https://issuer.example/keys']);
});

test('Should fetch a key set over HTTP on loopback, and fail on an error status', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/jwks.json') res.end(keys('h'));
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const fetch = createHttpJwksFetcher(2_000);
    assert.equal(await fetch(`http://127.0.0.1:${port}/jwks.json`), keys('h'));
    await assert.rejects(fetch(`http://127.0.0.1:${port}/missing`), /HTTP 404/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
