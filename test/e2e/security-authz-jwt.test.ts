// Istio's "Authorization with JWT" task through real sidecars: RequestAuthentication with inline
// and fetched (jwksUri) key sets, and AuthorizationPolicies on request principals and claims.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { eventually } from '../support/mesh-config.js';
import { proxyClient } from '../support/proxy-client.js';
import { applyAndWait, authorizationPolicy, sidecarServiceEntry } from '../support/policy-mesh.js';
import { startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

// This file's block: instance IPs 127.0.0.170-171, app ports 22220-22221; the JWKS server on port 0.
const SLEEP: WorkloadSpec = { name: 'sleep-v1', app: 'sleep', version: 'v1', ip: '127.0.0.170', port: 22220 };
const HTTPBIN: WorkloadSpec = { name: 'httpbin-v1', app: 'httpbin', version: 'v1', ip: '127.0.0.171', port: 22221 };
const URL_HEADERS = 'http://httpbin.default.svc.cluster.local:8000/headers';
const ISSUER = 'testing@secure.istio.io';
const FETCHED_ISSUER = 'fetched@secure.example';
const fromSleep = proxyClient(`http://${SLEEP.ip}:15001`);

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface Key { readonly privateKey: PrivateKey; readonly jwk: Record<string, unknown> }

let mesh: Mesh;
let jwksServer: Server;
let jwksUri = '';
let jwksFetches = 0;
let inlineKey: Key;
let fetchedKey: Key;
let rogueKey: Key;

async function makeKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A token signed by `key` with kid `kid` (the key's own by default). */
function token(key: Key, claims: { iss?: string; sub?: string; groups?: string[] } = {}, kid = key.jwk.kid as string): Promise<string> {
  const jwt = new SignJWT(claims.groups ? { groups: claims.groups } : {})
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(claims.iss ?? ISSUER)
    .setSubject(claims.sub ?? ISSUER)
    .setIssuedAt()
    .setExpirationTime('1h');
  return jwt.sign(key.privateKey);
}

async function statusWith(jwt: string | undefined): Promise<number> {
  const r = await fromSleep(URL_HEADERS, jwt === undefined ? {} : { headers: { authorization: `Bearer ${jwt}` } });
  return r.status;
}

const requestAuthentication = (rules: string) => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt-example, namespace: default}
spec:
  selector: {matchLabels: {app: httpbin}}
  jwtRules:
${rules}`;
const inlineRule = () => `  - issuer: ${ISSUER}
    jwks: '${JSON.stringify({ keys: [inlineKey.jwk] })}'
`;
const fetchedRule = () => `  - issuer: ${FETCHED_ISSUER}
    jwksUri: ${jwksUri}
`;
const requirePrincipals = (principals: string, when = '') => authorizationPolicy('require-jwt', 'httpbin', 'ALLOW', `  rules:
  - from:
    - source: {requestPrincipals: [${principals}]}
${when}`);

/** Makes `docs` the mesh's only security config and waits until every sidecar has it. */
async function security(...docs: string[]): Promise<void> {
  await applyAndWait(mesh, { 'security.yaml': docs.join('---\n') });
}

before(async () => {
  [inlineKey, fetchedKey, rogueKey] = await Promise.all([makeKey('inline-1'), makeKey('fetched-1'), makeKey('inline-1')]);
  jwksServer = createServer((req, res) => {
    jwksFetches++;
    const body = JSON.stringify({ keys: [fetchedKey.jwk] });
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  mesh = await startMesh({
    'services.yaml': [
      sidecarServiceEntry('sleep', [{ number: 9080, name: 'http' }], [SLEEP]),
      sidecarServiceEntry('httpbin', [{ number: 8000, name: 'http' }], [HTTPBIN]),
    ].join('---\n'),
  }, [SLEEP, HTTPBIN]);
  // A sidecar reports ready before its workload certificate arrives, and refuses mTLS until then.
  await eventually(async () => (await statusWith(undefined)) === 200, 20_000, 'httpbin\'s sidecar serving mTLS');
});

after(async () => {
  await mesh?.stop();
  jwksServer?.closeAllConnections();
  await new Promise((r) => (jwksServer ? jwksServer.close(r) : r(undefined)));
});

test('Should accept a valid token, refuse an invalid one with 401, and let a request without one through', async () => {
  await security(requestAuthentication(inlineRule()));
  assert.equal(await statusWith(await token(inlineKey)), 200);
  assert.equal(await statusWith(await token(rogueKey)), 401, 'a token signed by another key with the same kid');
  assert.equal(await statusWith('not-a-jwt'), 401);
  assert.equal(await statusWith(await token(inlineKey, { iss: 'someone@else' })), 401, 'a token of an issuer no rule names');
  assert.equal(await statusWith(undefined), 200, 'no token: allowed, with no identity');
});

test('Should allow only the named request principal once a policy requires it', async () => {
  await security(requestAuthentication(inlineRule()), requirePrincipals(`${ISSUER}/${ISSUER}`));
  assert.equal(await statusWith(await token(inlineKey)), 200);
  assert.equal(await statusWith(await token(inlineKey, { sub: 'someone-else' })), 403);
  assert.equal(await statusWith(undefined), 403);
  assert.equal(await statusWith(await token(rogueKey)), 401, 'authentication runs before authorization');
});

test('Should refuse a request without a token with 403 under requestPrincipals ["*"]', async () => {
  await security(requestAuthentication(inlineRule()), requirePrincipals(`'*'`));
  assert.equal(await statusWith(undefined), 403);
  assert.equal(await statusWith(await token(inlineKey, { sub: 'someone-else' })), 200);
});

test('Should allow by a groups claim', async () => {
  await security(requestAuthentication(inlineRule()), requirePrincipals(`${ISSUER}/${ISSUER}`, `    when:
    - key: request.auth.claims[groups]
      values: [group1]
`));
  assert.equal(await statusWith(await token(inlineKey, { groups: ['group1', 'group2'] })), 200);
  assert.equal(await statusWith(await token(inlineKey, { groups: ['group2'] })), 403);
  assert.equal(await statusWith(await token(inlineKey)), 403);
});

test('Should push the key set fetched from jwksUri to the sidecar and then accept its tokens', async () => {
  const fetchesBefore = jwksFetches;
  await security(requestAuthentication(inlineRule() + fetchedRule()), requirePrincipals(`'${FETCHED_ISSUER}/*'`));
  const fetched = await token(fetchedKey, { iss: FETCHED_ISSUER, sub: 'alice' });
  // The first push may carry a stand-in key set until the fetch completes; the fetch then pushes again.
  await eventually(async () => (await statusWith(fetched)) === 200, 10_000, 'a token of the fetched key set accepted');
  assert.ok(jwksFetches > fetchesBefore, 'the control plane fetched the key set');
  assert.equal(await statusWith(await token(inlineKey)), 403, 'the inline issuer is authenticated but not allowed');
  assert.equal(await statusWith(await token(rogueKey, { iss: FETCHED_ISSUER, sub: 'alice' }, 'fetched-1')), 401);
});
