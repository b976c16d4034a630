import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JwtRemoteJwksConfig } from '../../config/policy.js';
import type { Clock, RouterClusters } from '../../hcm/ports.js';
import { loopbackClusters } from '../filters-testing.js';
import { createClusterJwksFetcher } from './jwks-fetch.js';

const CLUSTER = 'outbound|8080||keys.example';
const JWKS = JSON.stringify({ keys: [{ kty: 'oct', kid: 'a', k: 'c2VjcmV0' }] });
const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

/** A loopback key server answering each request with the next of `answers` (the last repeats). */
async function keyServer(answers: ((res: http.ServerResponse) => void)[]): Promise<{ port: number; seen: { url: string; host: string }[] }> {
  const seen: { url: string; host: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url!, host: req.headers.host ?? '' });
    answers[Math.min(seen.length - 1, answers.length - 1)]!(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.closeAllConnections(), () => server.close());
  return { port: (server.address() as AddressInfo).port, seen };
}

function clustersFor(port: number): RouterClusters {
  return loopbackClusters(CLUSTER, port, closers);
}

/** Real timers for the per-attempt timeout; backoff pauses are recorded and skipped. */
function clock(pauses: number[]): Clock {
  return {
    now: () => Date.now(),
    random: () => 0.5,
    setTimeout: (fn, ms) => {
      if (ms !== 60_000) {
        pauses.push(ms);
        queueMicrotask(fn);
        return undefined;
      }
      return setTimeout(fn, ms);
    },
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
}

function source(port: number, over: Partial<JwtRemoteJwksConfig> = {}): JwtRemoteJwksConfig {
  return { uri: `http://keys.example:${port}/jwks.json?v=1`, cluster: CLUSTER, timeoutMs: 60_000, cacheDurationMs: 300_000, retries: 0, retryBackoffBaseMs: 100, retryBackoffMaxMs: 1_000, ...over };
}

test('Should fetch the key set through the named cluster, with the URI\'s path and authority', async () => {
  const server = await keyServer([(res) => res.end(JWKS)]);
  const fetch = createClusterJwksFetcher(source(server.port), { clusters: clustersFor(server.port), clock: clock([]) });
  assert.deepEqual(await fetch(), { ok: true, jwks: JWKS });
  assert.deepEqual(server.seen, [{ url: '/jwks.json?v=1', host: `keys.example:${server.port}` }]);
});

test('Should retry a failed fetch as many times as retry_policy allows, backing off between attempts', async () => {
  const server = await keyServer([(res) => res.writeHead(503).end(), (res) => res.end('<html>'), (res) => res.end(JWKS)]);
  const pauses: number[] = [];
  const fetch = createClusterJwksFetcher(source(server.port, { retries: 2 }), { clusters: clustersFor(server.port), clock: clock(pauses) });
  assert.deepEqual(await fetch(), { ok: true, jwks: JWKS });
  assert.equal(server.seen.length, 3);
  assert.deepEqual(pauses, [50, 100], 'jittered exponential backoff from the base');
  const once = createClusterJwksFetcher(source(server.port, { uri: `http://keys.example:${server.port}/other` }), { clusters: clustersFor(server.port), clock: clock([]) });
  assert.deepEqual(await once(), { ok: true, jwks: JWKS });
});

test('Should fail without a fetch when the cluster is unknown, and report an error status', async () => {
  const server = await keyServer([(res) => res.writeHead(404).end('missing')]);
  const unknown = createClusterJwksFetcher(source(server.port, { cluster: 'outbound|1||nowhere' }), { clusters: clustersFor(server.port), clock: clock([]) });
  assert.deepEqual(await unknown(), { ok: false, error: 'no_cluster' });
  const missing = createClusterJwksFetcher(source(server.port), { clusters: clustersFor(server.port), clock: clock([]) });
  assert.deepEqual(await missing(), { ok: false, error: 'bad_status', status: 404 });
  assert.equal(server.seen.length, 1);
});

test('Should give up on an attempt after the http_uri timeout', async () => {
  const server = await keyServer([() => undefined]);
  const fired: (() => void)[] = [];
  const manual: Clock = { now: () => 0, random: () => 0, setTimeout: (fn) => (fired.push(fn), fn), clearTimeout: () => undefined };
  const pending = createClusterJwksFetcher(source(server.port, { timeoutMs: 5 }), { clusters: clustersFor(server.port), clock: manual })();
  for (let i = 0; i < 50 && server.seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(fired.length, 1);
  fired[0]!();
  assert.deepEqual(await pending, { ok: false, error: 'timeout' });
});
