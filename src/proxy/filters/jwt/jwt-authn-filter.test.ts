import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import type { JwtAuthnConfig, JwtProviderConfig, JwtRequirement } from '../../config/policy.js';
import type { ConnectionInfo } from '../../http/exchange.js';
import { requestHead, routeMatch } from '../../router/route-fixtures.js';
import type { PolicyRequest, PolicyVerdict } from '../policy-filter.js';
import { createJwtAuthnFilter } from './jwt-authn-filter.js';
import { ISTIO_AUTHN_METADATA_NAMESPACE, JWT_AUTHN_METADATA_NAMESPACE } from './jwt-metadata.js';

const NOW_S = 1_800_000_000;
const now = () => NOW_S * 1000;
const CONN: ConnectionInfo = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2, destinationAddress: '127.0.0.1', destinationPort: 8080, tls: false };
const ISSUER = 'https://issuer.example';
const OTHER_ISSUER = 'https://other.example';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let rsaKey: SigningKey;
let ecKey: SigningKey;
let strangerKey: SigningKey;
let jwks = '';
let otherJwks = '';

before(async () => {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('RS256');
  rsaKey = rsa.privateKey;
  ecKey = ec.privateKey;
  strangerKey = stranger.privateKey;
  jwks = JSON.stringify({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256' }] });
  otherJwks = JSON.stringify({ keys: [{ ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256' }] });
});

async function sign(claims: JWTPayload, opts: { key?: SigningKey; alg?: string; kid?: string; exp?: number; iss?: string } = {}): Promise<string> {
  const jwt = new SignJWT({ sub: 'alice', aud: 'books', ...claims })
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'rsa' })
    .setIssuer(opts.iss ?? ISSUER)
    .setIssuedAt(NOW_S - 10);
  if (opts.exp !== 0) jwt.setExpirationTime(opts.exp ?? NOW_S + 3600);
  return jwt.sign(opts.key ?? rsaKey);
}

function provider(name: string, over: Partial<JwtProviderConfig> = {}): JwtProviderConfig {
  return { name, issuer: ISSUER, audiences: ['books'], jwks, forward: false, fromHeaders: [], fromParams: [], fromCookies: [], claimToHeaders: [], spaceDelimitedClaims: [], payloadInMetadata: ISSUER, clockSkewSeconds: 60, ...over };
}

/** Istio's shape: requires_any of every provider plus allow_missing, on prefix "/". */
function istioConfig(providers: JwtProviderConfig[]): JwtAuthnConfig {
  const requires: JwtRequirement = { kind: 'requires_any', requirements: [...providers.map((p) => ({ kind: 'provider' as const, provider: p.name })), { kind: 'allow_missing' }] };
  return { providers, rules: [{ match: routeMatch({ kind: 'prefix', value: '/' }), requires }], bypassCorsPreflight: true };
}

async function run(config: JwtAuthnConfig, headers: [string, string][], path = '/books', method = 'GET'): Promise<{ verdict: PolicyVerdict; request: PolicyRequest }> {
  const request: PolicyRequest = { head: requestHead(path, { method, headers }), connection: CONN, remoteIp: '127.0.0.1', route: undefined, virtualHost: undefined, metadata: new Map(), signal: new AbortController().signal };
  const verdict = await createJwtAuthnFilter('envoy.filters.http.jwt_authn', config, now).decodeHeaders(request);
  return { verdict, request };
}

function denial(verdict: PolicyVerdict): { status: number; body: string } | undefined {
  return verdict.kind === 'deny' ? { status: verdict.status, body: verdict.body } : undefined;
}

test('Should accept a valid RS256 token, strip it, and record the payload and Istio attributes in metadata', async () => {
  const token = await sign({ azp: 'web', groups: ['dev', 'ops'], scope: 'read write' });
  const { verdict, request } = await run(istioConfig([provider('origins-0')]), [['authorization', `Bearer ${token}`]]);
  assert.equal(verdict.kind, 'continue');
  assert.equal(request.head.headers.get('authorization'), undefined, 'forward: false removes the token');
  const payload = request.metadata.get(JWT_AUTHN_METADATA_NAMESPACE)?.[ISSUER] as JWTPayload;
  assert.equal(payload.sub, 'alice');
  assert.equal(payload.iss, ISSUER);
  const authn = request.metadata.get(ISTIO_AUTHN_METADATA_NAMESPACE)!;
  assert.equal(authn['request.auth.principal'], `${ISSUER}/alice`);
  assert.deepEqual(authn['request.auth.audiences'], ['books']);
  assert.equal(authn['request.auth.presenter'], 'web');
  const claims = authn['request.auth.claims'] as Record<string, unknown>;
  assert.deepEqual(claims['groups'], ['dev', 'ops']);
  assert.deepEqual(claims['sub'], ['alice']);
  assert.deepEqual(claims['scope'], ['read', 'write']);
});

test('Should keep the Authorization header when the provider forwards the token, and verify ES256', async () => {
  const token = await sign({}, { key: ecKey, alg: 'ES256', kid: 'ec', iss: OTHER_ISSUER });
  const config = istioConfig([provider('origins-0'), provider('origins-1', { issuer: OTHER_ISSUER, jwks: otherJwks, forward: true, payloadInMetadata: OTHER_ISSUER })]);
  const { verdict, request } = await run(config, [['authorization', `Bearer ${token}`]]);
  assert.equal(verdict.kind, 'continue');
  assert.equal(request.head.headers.get('authorization'), `Bearer ${token}`);
  assert.equal(request.metadata.get(ISTIO_AUTHN_METADATA_NAMESPACE)?.['request.auth.principal'], `${OTHER_ISSUER}/alice`);
});

test('Should let a request without a token through with no identity under allow_missing', async () => {
  const { verdict, request } = await run(istioConfig([provider('origins-0')]), []);
  assert.equal(verdict.kind, 'continue');
  assert.equal(request.metadata.size, 0);
});

test('Should answer 401 for an expired token, but accept one within the clock skew', async () => {
  const expired = await sign({}, { exp: NOW_S - 120 });
  assert.deepEqual(denial((await run(istioConfig([provider('origins-0')]), [['authorization', `Bearer ${expired}`]])).verdict), { status: 401, body: 'Jwt is expired' });
  const justExpired = await sign({}, { exp: NOW_S - 30 });
  assert.equal((await run(istioConfig([provider('origins-0')]), [['authorization', `Bearer ${justExpired}`]])).verdict.kind, 'continue');
});

test('Should answer 401 "Jwt issuer is not configured" for a token from an unknown issuer', async () => {
  const token = await sign({}, { iss: 'https://unknown.example' });
  const { verdict } = await run(istioConfig([provider('origins-0')]), [['authorization', `Bearer ${token}`]]);
  assert.deepEqual(denial(verdict), { status: 401, body: 'Jwt issuer is not configured' });
  assert.equal(verdict.kind === 'deny' && verdict.details, 'jwt_authn_access_denied{Jwt_issuer_is_not_configured}');
});

test('Should answer 403 for a token whose audience is not allowed, as Envoy does', async () => {
  const token = await sign({ aud: 'reviews' });
  assert.deepEqual(denial((await run(istioConfig([provider('origins-0')]), [['authorization', `Bearer ${token}`]])).verdict), { status: 403, body: 'Audiences in Jwt are not allowed' });
});

test('Should answer 401 "Jwt verification fails" for a token signed by another key, and 401 for a malformed one', async () => {
  const forged = await sign({}, { key: strangerKey });
  const forgedRun = await run(istioConfig([provider('origins-0')]), [['authorization', `Bearer ${forged}`]]);
  assert.deepEqual(denial(forgedRun.verdict), { status: 401, body: 'Jwt verification fails' });
  assert.match(forgedRun.verdict.kind === 'deny' ? forgedRun.verdict.headers?.get('www-authenticate') ?? '' : '', /^Bearer realm="http:\/\/example.com\/books", error="invalid_token"$/);
  for (const garbage of ['not-a-jwt', 'a.b.c', 'e30.e30']) {
    const { verdict } = await run(istioConfig([provider('origins-0')]), [['authorization', `Bearer ${garbage}`]]);
    assert.equal(denial(verdict)?.status, 401, garbage);
  }
});

test('Should read the token from access_token by default and from the configured places only when set', async () => {
  const token = await sign({});
  assert.equal((await run(istioConfig([provider('origins-0')]), [], `/books?access_token=${token}`)).verdict.kind, 'continue');
  const custom = istioConfig([provider('origins-0', { fromHeaders: [{ name: 'x-jwt', valuePrefix: '' }], fromParams: ['token'] })]);
  const viaHeader = await run(custom, [['x-jwt', token]]);
  assert.equal(viaHeader.verdict.kind, 'continue');
  assert.equal(viaHeader.request.metadata.has(ISTIO_AUTHN_METADATA_NAMESPACE), true);
  const viaParam = await run(custom, [], `/books?token=${token}`);
  assert.equal(viaParam.request.metadata.has(ISTIO_AUTHN_METADATA_NAMESPACE), true);
  const ignored = await run(custom, [['authorization', `Bearer ${token}`]]);
  assert.equal(ignored.verdict.kind, 'continue');
  assert.equal(ignored.request.metadata.size, 0, 'the default header is not read when from_headers is set');
});

test('Should answer 401 when a valid Authorization token comes with a forged access_token, and pass the valid one alone', async () => {
  const token = await sign({});
  const forged = await sign({}, { key: strangerKey });
  const config = istioConfig([provider('origins-0')]);
  const mixed = await run(config, [['authorization', `Bearer ${token}`]], `/books?access_token=${forged}`);
  assert.deepEqual(denial(mixed.verdict), { status: 401, body: 'Jwt verification fails' });
  const alone = await run(config, [['authorization', `Bearer ${token}`]]);
  assert.equal(alone.verdict.kind, 'continue');
  const both = await run(config, [['authorization', `Bearer ${token}`]], `/books?access_token=${token}`);
  assert.equal(both.verdict.kind, 'continue', 'the same valid token in two places passes');
});

test('Should verify every token of a provider: a forged second header value, parameter or cookie fails the provider alone too', async () => {
  const token = await sign({});
  const forged = await sign({}, { key: strangerKey });
  const p0 = provider('p0', { fromHeaders: [{ name: 'authorization', valuePrefix: 'Bearer ' }], fromParams: ['token'], fromCookies: ['session'] });
  const only: JwtAuthnConfig = { providers: [p0], rules: [{ match: routeMatch({ kind: 'prefix', value: '/' }), requires: { kind: 'provider', provider: 'p0' } }], bypassCorsPreflight: false };
  const cases: { headers: [string, string][]; path: string }[] = [
    { headers: [['authorization', `Bearer ${token}`], ['authorization', `Bearer ${forged}`]], path: '/books' },
    { headers: [['authorization', `Bearer ${token}`]], path: `/books?token=${token}&token=${forged}` },
    { headers: [['authorization', `Bearer ${token}`], ['cookie', `session=${forged}`]], path: '/books' },
  ];
  for (const c of cases) assert.deepEqual(denial((await run(only, c.headers, c.path)).verdict), { status: 401, body: 'Jwt verification fails' }, JSON.stringify(c.path));
  const good = await run(only, [['authorization', `Bearer ${token}`], ['cookie', `session=${token}`]], `/books?token=${token}`);
  assert.equal(good.verdict.kind, 'continue');
  assert.equal(good.request.head.headers.get('authorization'), undefined, 'the verified header token is still removed');
});

test('Should copy the payload to forward_payload_header as base64url JSON', async () => {
  const token = await sign({ role: 'admin' });
  const { request } = await run(istioConfig([provider('origins-0', { forwardPayloadHeader: 'x-jwt-payload' })]), [['authorization', `Bearer ${token}`]]);
  const forwarded = JSON.parse(Buffer.from(request.head.headers.get('x-jwt-payload') ?? '', 'base64url').toString()) as JWTPayload;
  assert.equal(forwarded['role'], 'admin');
});

test('Should combine requirements: provider alone, requires_all, allow_missing_or_failed, rule match and CORS bypass', async () => {
  const p0 = provider('p0');
  const p1 = provider('p1', { fromHeaders: [{ name: 'x-second', valuePrefix: 'Bearer ' }] });
  const token = await sign({});
  const forged = await sign({}, { key: strangerKey });
  const only = (requires: JwtRequirement, prefix = '/'): JwtAuthnConfig => ({ providers: [p0, p1], rules: [{ match: routeMatch({ kind: 'prefix', value: prefix }), requires }], bypassCorsPreflight: true });
  assert.deepEqual(denial((await run(only({ kind: 'provider', provider: 'p0' }), [])).verdict), { status: 401, body: 'Jwt is missing' });
  const both: JwtRequirement = { kind: 'requires_all', requirements: [{ kind: 'provider', provider: 'p0' }, { kind: 'provider', provider: 'p1' }] };
  assert.equal(denial((await run(only(both), [['authorization', `Bearer ${token}`]])).verdict)?.body, 'Jwt is missing');
  assert.equal((await run(only(both), [['authorization', `Bearer ${token}`], ['x-second', `Bearer ${token}`]])).verdict.kind, 'continue');
  assert.equal((await run(only({ kind: 'allow_missing_or_failed' }), [['authorization', `Bearer ${forged}`]])).verdict.kind, 'continue');
  assert.equal((await run(only({ kind: 'allow_missing' }), [['authorization', `Bearer ${forged}`]])).verdict.kind, 'deny');
  assert.equal((await run(only({ kind: 'provider', provider: 'p0' }, '/admin'), [])).verdict.kind, 'continue', 'no rule matches /books');
  const preflight = await run(only({ kind: 'provider', provider: 'p0' }), [['origin', 'http://a'], ['access-control-request-method', 'GET']], '/books', 'OPTIONS');
  assert.equal(preflight.verdict.kind, 'continue');
  const anyOf: JwtRequirement = { kind: 'requires_any', requirements: [{ kind: 'provider', provider: 'p0', audiences: ['reviews'] }, { kind: 'provider', provider: 'p1' }] };
  assert.deepEqual(denial((await run(only(anyOf), [['authorization', `Bearer ${token}`]])).verdict), { status: 403, body: 'Audiences in Jwt are not allowed' });
});

test('Should read a token from a cookie, copy claims to headers and split space-delimited claims in metadata', async () => {
  const token = await sign({ org: { team: 'books' }, level: 3, roles: 'reader writer' });
  const config = istioConfig([provider('origins-0', {
    fromCookies: ['session'],
    claimToHeaders: [{ header: 'x-team', claim: 'org.team' }, { header: 'x-level', claim: 'level' }, { header: 'x-org', claim: 'org' }],
    spaceDelimitedClaims: ['roles'],
  })]);
  const { verdict, request } = await run(config, [['cookie', `theme=dark; session=${token}`]]);
  assert.equal(verdict.kind, 'continue');
  assert.equal(request.head.headers.get('x-team'), 'books');
  assert.equal(request.head.headers.get('x-level'), '3');
  assert.equal(request.head.headers.get('x-org'), undefined, 'objects are not copied');
  assert.deepEqual((request.metadata.get(JWT_AUTHN_METADATA_NAMESPACE)?.[ISSUER] as Record<string, unknown>)['roles'], ['reader', 'writer']);
  assert.deepEqual((request.metadata.get(ISTIO_AUTHN_METADATA_NAMESPACE)?.['request.auth.claims'] as Record<string, unknown>)['roles'], ['reader', 'writer']);
});
