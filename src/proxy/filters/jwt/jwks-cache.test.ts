import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JwtRemoteJwksConfig } from '../../config/policy.js';
import { JWKS_UNKNOWN_KID_REFETCH_INTERVAL_MS, createRemoteJwksCache } from './jwks-cache.js';
import type { JwksFetchResult } from './jwks-fetch.js';

const SOURCE: JwtRemoteJwksConfig = { uri: 'http://keys.example/jwks.json', cluster: 'outbound|80||keys.example', timeoutMs: 1_000, cacheDurationMs: 300_000, retries: 0, retryBackoffBaseMs: 1_000, retryBackoffMaxMs: 10_000 };
const keys = (kid: string) => JSON.stringify({ keys: [{ kty: 'oct', kid, k: 'c2VjcmV0' }] });

/** A fetcher whose answers the test releases one by one, counting calls. */
function controlledFetcher() {
  const pending: ((r: JwksFetchResult) => void)[] = [];
  const f = {
    calls: 0,
    fetch: () => {
      f.calls++;
      return new Promise<JwksFetchResult>((resolve) => pending.push(resolve));
    },
    answer(r: JwksFetchResult) {
      const next = pending.shift();
      assert.ok(next, 'no fetch is waiting');
      next(r);
    },
    get waiting() {
      return pending.length;
    },
  };
  return f;
}

const turn = () => new Promise((r) => setImmediate(r));

test('Should fetch on first need, share that fetch among concurrent callers, and serve the cache until cache_duration passes', async () => {
  let now = 0;
  const f = controlledFetcher();
  const cache = createRemoteJwksCache(SOURCE, { fetch: f.fetch, now: () => now });
  assert.equal(f.calls, 0, 'nothing is fetched before it is needed');
  const a = cache.keys();
  const b = cache.keys();
  assert.equal(f.calls, 1);
  f.answer({ ok: true, jwks: keys('a') });
  const [la, lb] = await Promise.all([a, b]);
  assert.ok(la.ok && lb.ok);
  assert.equal(la.keys, lb.keys);
  now = SOURCE.cacheDurationMs - 1;
  assert.equal(((await cache.keys()) as { keys: unknown }).keys, la.keys);
  assert.equal(f.calls, 1, 'still fresh');
  now = SOURCE.cacheDurationMs;
  const expired = cache.keys();
  assert.equal(f.calls, 2, 'expired: fetched again, and the caller waits for it');
  f.answer({ ok: true, jwks: keys('b') });
  const after = await expired;
  assert.ok(after.ok);
  assert.equal(after.keys.json, keys('b'));
});

test('Should refetch once for concurrent tokens with an unknown kid, then refuse more refetches for 30 s', async () => {
  let now = 1_000;
  const f = controlledFetcher();
  const cache = createRemoteJwksCache(SOURCE, { fetch: f.fetch, now: () => now });
  const first = cache.keys();
  f.answer({ ok: true, jwks: keys('a') });
  const seen = ((await first) as { keys: Parameters<typeof cache.refreshForUnknownKey>[0] }).keys;
  const burst = Array.from({ length: 5 }, () => cache.refreshForUnknownKey(seen));
  assert.equal(f.calls, 2, 'five unknown-kid tokens share one refetch');
  f.answer({ ok: true, jwks: keys('b') });
  const newer = await Promise.all(burst);
  for (const n of newer) assert.equal(n?.json, keys('b'));
  assert.equal(await cache.refreshForUnknownKey(newer[0]!), undefined, 'rate-limited: no newer set to be had');
  now += JWKS_UNKNOWN_KID_REFETCH_INTERVAL_MS - 1;
  assert.equal(await cache.refreshForUnknownKey(newer[0]!), undefined);
  assert.equal(f.calls, 2);
  now += 1;
  const again = cache.refreshForUnknownKey(newer[0]!);
  assert.equal(f.calls, 3, '30 s later an unknown kid may refetch again');
  f.answer({ ok: true, jwks: keys('b') });
  assert.equal(await again, undefined, 'the same keys came back: nothing new to verify with');
});

test('Should hand a caller holding an older set the newer one without fetching', async () => {
  let now = 0;
  const f = controlledFetcher();
  const cache = createRemoteJwksCache(SOURCE, { fetch: f.fetch, now: () => now });
  const first = cache.keys();
  f.answer({ ok: true, jwks: keys('a') });
  const old = ((await first) as { keys: Parameters<typeof cache.refreshForUnknownKey>[0] }).keys;
  now = SOURCE.cacheDurationMs;
  const refreshed = cache.keys();
  f.answer({ ok: true, jwks: keys('b') });
  await refreshed;
  assert.equal((await cache.refreshForUnknownKey(old))?.json, keys('b'));
  assert.equal(f.calls, 2);
});

test('Should report a failed first fetch, not retry it within failed_refetch_duration, and keep stale keys when a later fetch fails', async () => {
  let now = 0;
  const f = controlledFetcher();
  const cache = createRemoteJwksCache(SOURCE, { fetch: f.fetch, now: () => now });
  const failed = cache.keys();
  f.answer({ ok: false, error: 'no_healthy_upstream' });
  assert.deepEqual(await failed, { ok: false, error: 'no_healthy_upstream' });
  now = 999;
  assert.deepEqual(await cache.keys(), { ok: false, error: 'no_healthy_upstream' });
  assert.equal(f.calls, 1, 'a failure is not retried at once');
  now = 1_000;
  const retry = cache.keys();
  f.answer({ ok: true, jwks: '{"not":"keys"}' });
  assert.deepEqual(await retry, { ok: false, error: 'not_a_jwks' });
  now = 2_000;
  const good = cache.keys();
  f.answer({ ok: true, jwks: keys('a') });
  assert.ok((await good).ok);
  now = 2_000 + SOURCE.cacheDurationMs;
  const stale = cache.keys();
  f.answer({ ok: false, error: 'timeout' });
  const lookup = await stale;
  assert.ok(lookup.ok, 'the last good keys serve when a refresh fails');
  assert.equal(lookup.keys.json, keys('a'));
  assert.equal(f.calls, 4);
});

test('Should prefetch with async_fetch, and then serve stale keys while a refresh runs in the background', async () => {
  let now = 0;
  const f = controlledFetcher();
  const cache = createRemoteJwksCache({ ...SOURCE, asyncFetch: { failedRefetchMs: 500 } }, { fetch: f.fetch, now: () => now });
  cache.prefetch();
  cache.prefetch();
  assert.equal(f.calls, 1, 'one fetch when the config arrives');
  f.answer({ ok: true, jwks: keys('a') });
  await turn();
  cache.prefetch();
  assert.equal(f.calls, 1, 'fresh keys are not fetched again');
  now = SOURCE.cacheDurationMs;
  const lookup = await cache.keys();
  assert.ok(lookup.ok);
  assert.equal(lookup.keys.json, keys('a'), 'the request does not wait for the refresh');
  assert.equal(f.waiting, 1);
  f.answer({ ok: true, jwks: keys('b') });
  await turn();
  const next = await cache.keys();
  assert.ok(next.ok);
  assert.equal(next.keys.json, keys('b'));
});
