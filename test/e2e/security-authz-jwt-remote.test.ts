// RequestAuthentication with a jwksUri that the sidecar fetches itself (PILOT_JWT_ENABLE_REMOTE_JWKS=
// envoy): keys come through the outbound cluster of a ServiceEntry for the key server, and a key
// rotated in at the issuer is accepted at once because an unknown kid makes the sidecar refetch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { eventually } from '../support/mesh-config.js';
import { proxyClient } from '../support/proxy-client.js';
import { applyAndWait, sidecarServiceEntry } from '../support/policy-mesh.js';
import { serviceEntry } from '../support/service-entry.js';
import { startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

// This file's block: instance IPs 127.0.0.180-181, app ports 22240-22241; the key server on port 0.
const SLEEP: WorkloadSpec = { name: 'sleep-v1', app: 'sleep', version: 'v1', ip: '127.0.0.180', port: 22240 };
const HTTPBIN: WorkloadSpec = { name: 'httpbin-v1', app: 'httpbin', version: 'v1', ip: '127.0.0.181', port: 22241 };
const URL_HEADERS = 'http://httpbin.default.svc.cluster.local:8000/headers';
const ISSUER = 'rotating@secure.example';
const KEYS_HOST = 'jwks.default.svc.cluster.local';
const fromSleep = proxyClient(`http://${SLEEP.ip}:15001`);

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface Key { readonly privateKey: PrivateKey; readonly jwk: Record<string, unknown> }

let mesh: Mesh;
let keyServer: Server;
let keyPort = 0;
let served: Key[] = [];
let fetches = 0;
let keyA: Key;
let keyB: Key;
let rogueA: Key;
const modeBefore = process.env.PILOT_JWT_ENABLE_REMOTE_JWKS;

async function makeKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function token(key: Key, kid = key.jwk.kid as string): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(ISSUER).setSubject('alice').setIssuedAt().setExpirationTime('1h').sign(key.privateKey);
}

async function statusWith(jwt: string | undefined): Promise<{ status: number; body: string }> {
  const r = await fromSleep(URL_HEADERS, jwt === undefined ? {} : { headers: { authorization: `Bearer ${jwt}` } });
  return { status: r.status, body: r.body };
}

const requestAuthentication = () => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt-remote, namespace: default}
spec:
  selector: {matchLabels: {app: httpbin}}
  jwtRules:
  - issuer: ${ISSUER}
    jwksUri: http://${KEYS_HOST}:${keyPort}/jwks.json
`;

before(async () => {
  [keyA, keyB, rogueA] = await Promise.all([makeKey('key-a'), makeKey('key-b'), makeKey('key-a')]);
  served = [keyA];
  keyServer = createServer((req, res) => {
    fetches++;
    const body = JSON.stringify({ keys: served.map((k) => k.jwk) });
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
  keyPort = (keyServer.address() as AddressInfo).port;
  // The control plane reads Istio's switch from its environment; the child processes inherit it.
  process.env.PILOT_JWT_ENABLE_REMOTE_JWKS = 'envoy';
  mesh = await startMesh({
    'services.yaml': [
      sidecarServiceEntry('sleep', [{ number: 9080, name: 'http' }], [SLEEP]),
      sidecarServiceEntry('httpbin', [{ number: 8000, name: 'http' }], [HTTPBIN]),
      // The key server: a plaintext in-mesh host whose only endpoint is this test's loopback server.
      serviceEntry('jwks', [{ number: keyPort, name: 'http' }], [{ address: '127.0.0.1' }]),
    ].join('---\n'),
  }, [SLEEP, HTTPBIN]);
  if (modeBefore === undefined) delete process.env.PILOT_JWT_ENABLE_REMOTE_JWKS;
  else process.env.PILOT_JWT_ENABLE_REMOTE_JWKS = modeBefore;
  await eventually(async () => (await statusWith(undefined)).status === 200, 20_000, 'httpbin\'s sidecar serving mTLS');
});

after(async () => {
  if (modeBefore === undefined) delete process.env.PILOT_JWT_ENABLE_REMOTE_JWKS;
  else process.env.PILOT_JWT_ENABLE_REMOTE_JWKS = modeBefore;
  await mesh?.stop();
  keyServer?.closeAllConnections();
  await new Promise((r) => (keyServer ? keyServer.close(r) : r(undefined)));
});

test('Should fetch the keys in the sidecar through the key server\'s cluster, accept a valid token and refuse an invalid one', async () => {
  await applyAndWait(mesh, { 'security.yaml': requestAuthentication() });
  const httpbin = mesh.workloads.get(HTTPBIN.name)!;
  const dump = await (await fetch(`http://127.0.0.1:${httpbin.adminPort}/config_dump`, { signal: AbortSignal.timeout(5000) })).text();
  assert.match(dump, /remote_?[jJ]wks/, 'the sidecar was sent remote_jwks, not inlined keys');
  assert.match(dump, new RegExp(`outbound\\|${keyPort}\\|\\|${KEYS_HOST.replace(/\./g, '\\.')}`));
  const valid = await token(keyA);
  await eventually(async () => (await statusWith(valid)).status === 200, 10_000, 'a token of key A accepted');
  assert.ok(fetches >= 1, 'the sidecar fetched the key set');
  assert.deepEqual(await statusWith(await token(rogueA)), { status: 401, body: 'Jwt verification fails' }, 'signed by another key with the same kid');
  assert.equal((await statusWith('not-a-jwt')).status, 401);
  assert.equal((await statusWith(undefined)).status, 200, 'no token: allowed, with no identity');
});

test('Should accept a token of a key rotated in at the issuer at once, and refetch at most once for a burst of unknown kids', async () => {
  assert.equal((await statusWith(await token(keyA))).status, 200, 'key A is cached');
  const beforeRotation = fetches;
  served = [keyB];
  assert.equal((await statusWith(await token(keyB))).status, 200, 'an unknown kid makes the sidecar refetch and verify again');
  assert.equal(fetches - beforeRotation, 1, 'exactly one refetch for the new kid');
  const bogus = await Promise.all(Array.from({ length: 10 }, (_, i) => token(keyB, `bogus-${i}`)));
  const answers = await Promise.all(bogus.map((t) => statusWith(t)));
  for (const a of answers) assert.deepEqual(a, { status: 401, body: 'Jwks doesn\'t have key to match kid or alg from Jwt' });
  assert.ok(fetches - beforeRotation <= 2, `a burst of unknown kids caused ${fetches - beforeRotation - 1} more fetches`);
  assert.equal((await statusWith(await token(keyB))).status, 200, 'key B keeps working from the cache');
});
