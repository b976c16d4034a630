import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JwtAuthnConfig, JwtProviderConfig, JwtRemoteJwksConfig } from '../../config/policy.js';
import type { ConnectionInfo } from '../../http/exchange.js';
import { requestHead, routeMatch } from '../../router/route-fixtures.js';
import type { PolicyRequest, PolicyVerdict } from '../policy-filter.js';
import { createRemoteJwksCache, type RemoteJwksCache } from './jwks-cache.js';
import type { JwksFetchResult } from './jwks-fetch.js';
import { createJwtAuthnFilter } from './jwt-authn-filter.js';

const NOW_S = 1_800_000_000;
const CONN: ConnectionInfo = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2, destinationAddress: '127.0.0.1', destinationPort: 8080, tls: false };
const ISSUER = 'https://issuer.example';
const REMOTE: JwtRemoteJwksConfig = { uri: 'http://keys.example/jwks.json', cluster: 'outbound|80||keys.example', timeoutMs: 1_000, cacheDurationMs: 300_000, retries: 0, retryBackoffBaseMs: 1_000, retryBackoffMaxMs: 10_000 };

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface Key { readonly privateKey: SigningKey; readonly jwks: string }
let keyA: Key;
let keyB: Key;

async function makeKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, jwks: JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256' }] }) };
}

before(async () => {
  [keyA, keyB] = await Promise.all([makeKey('a'), makeKey('b')]);
});

function sign(key: Key, kid: string): Promise<string> {
  return new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(ISSUER).setIssuedAt(NOW_S - 10).setExpirationTime(NOW_S + 3600).sign(key.privateKey);
}

/** A key server stand-in: serves `served` (or fails when undefined) and counts fetches. */
function keyServer() {
  const server = { served: undefined as string | undefined, fetches: 0 };
  const fetch = (): Promise<JwksFetchResult> => {
    server.fetches++;
    return Promise.resolve(server.served === undefined ? { ok: false, error: 'upstream_error' } : { ok: true, jwks: server.served });
  };
  return { server, fetch };
}

function config(): JwtAuthnConfig {
  const provider: JwtProviderConfig = { name: 'origins-0', issuer: ISSUER, audiences: [], jwks: '', remoteJwks: REMOTE, forward: false, fromHeaders: [], fromParams: [], fromCookies: [], claimToHeaders: [], spaceDelimitedClaims: [], payloadInMetadata: ISSUER, clockSkewSeconds: 60 };
  return { providers: [provider], rules: [{ match: routeMatch({ kind: 'prefix', value: '/' }), requires: { kind: 'requires_any', requirements: [{ kind: 'provider', provider: 'origins-0' }, { kind: 'allow_missing' }] } }], bypassCorsPreflight: true };
}

function filterWith(cache: RemoteJwksCache | undefined) {
  const filter = createJwtAuthnFilter('envoy.filters.http.jwt_authn', config(), () => NOW_S * 1000, cache ? () => cache : undefined);
  return async (token: string | undefined): Promise<PolicyVerdict> => {
    const headers: [string, string][] = token === undefined ? [] : [['authorization', `Bearer ${token}`]];
    const request: PolicyRequest = { head: requestHead('/books', { headers }), connection: CONN, remoteIp: '127.0.0.1', route: undefined, virtualHost: undefined, metadata: new Map(), signal: new AbortController().signal };
    return filter.decodeHeaders(request);
  };
}

const body = (v: PolicyVerdict) => (v.kind === 'deny' ? `${v.status} ${v.body}` : 'continue');

test('Should accept a token of a rotated-in key at once by refetching for its unknown kid, and refetch at most once for a burst of unknown kids', async () => {
  const { server, fetch } = keyServer();
  server.served = keyA.jwks;
  const run = filterWith(createRemoteJwksCache(REMOTE, { fetch, now: () => NOW_S * 1000 }));
  assert.equal(body(await run(await sign(keyA, 'a'))), 'continue');
  assert.equal(server.fetches, 1);
  server.served = keyB.jwks;
  assert.equal(body(await run(await sign(keyB, 'b'))), 'continue', 'the new kid triggers a refetch');
  assert.equal(server.fetches, 2);
  const bogus = await Promise.all(Array.from({ length: 8 }, (_, i) => sign(keyB, `bogus-${i}`)));
  const verdicts = await Promise.all(bogus.map((t) => run(t)));
  for (const v of verdicts) assert.equal(body(v), '401 Jwks doesn\'t have key to match kid or alg from Jwt');
  assert.equal(server.fetches, 2, 'within 30 s of the last unknown-kid refetch, none more');
  assert.equal(body(await run(await sign(keyA, 'a'))), '401 Jwks doesn\'t have key to match kid or alg from Jwt', 'the rotated-out key is gone');
});

test('Should answer 401 "Jwks remote fetch is failed" while no key set could be fetched, and still let a request without a token through', async () => {
  const { server, fetch } = keyServer();
  const run = filterWith(createRemoteJwksCache(REMOTE, { fetch, now: () => NOW_S * 1000 }));
  const token = await sign(keyA, 'a');
  const failed = await run(token);
  assert.equal(body(failed), '401 Jwks remote fetch is failed');
  assert.equal(failed.kind === 'deny' && failed.details, 'jwt_authn_access_denied{Jwks_remote_fetch_is_failed}');
  assert.equal(body(await run(undefined)), 'continue');
  assert.equal(body(await run('not-a-jwt')), '401 Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections');
  assert.equal(server.fetches, 1, 'a malformed token and a missing one fetch nothing');
  assert.equal(body(await filterWith(undefined)(token)), '401 Jwks remote fetch is failed', 'a remote provider without a cache fails closed');
});

test('Should start fetching when the filter is created for a provider with async_fetch', async () => {
  const { server, fetch } = keyServer();
  server.served = keyA.jwks;
  const cache = createRemoteJwksCache({ ...REMOTE, asyncFetch: { failedRefetchMs: 1_000 } }, { fetch, now: () => NOW_S * 1000 });
  const async = { ...config(), providers: [{ ...config().providers[0]!, remoteJwks: { ...REMOTE, asyncFetch: { failedRefetchMs: 1_000 } } }] };
  createJwtAuthnFilter('jwt', async, () => NOW_S * 1000, () => cache);
  assert.equal(server.fetches, 1);
  createJwtAuthnFilter('jwt', config(), () => NOW_S * 1000, () => createRemoteJwksCache(REMOTE, { fetch, now: () => NOW_S * 1000 }));
  assert.equal(server.fetches, 1, 'without async_fetch nothing is fetched before a request');
});
