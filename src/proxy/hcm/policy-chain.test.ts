import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { HttpConnectionManagerConfig, HttpFilterConfig } from '../config/listener.js';
import type { JwtAuthnConfig, HttpRbacConfig } from '../config/policy.js';
import { serveInbound } from './hcm-testing.js';
import { createRouteTable } from '../router/route-table.js';
import { route, routeConfig, routeMatch, virtualHost } from '../router/route-fixtures.js';
import { UNKNOWN_PEER } from '../telemetry/events.js';
import { createHttpConnectionHandler } from './http-connection-handler.js';
import { SYSTEM_CLOCK } from './ports.js';
import type { StreamConfig } from './stream-config.js';
import { effectiveRemoteIp } from './policy-chain.js';

const ISSUER = 'https://issuer.example';
const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

let jwks = '';
let token = '';
before(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' }] });
  token = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuer(ISSUER).setExpirationTime('1h').sign(privateKey);
});

/** Pilot's chain for a RequestAuthentication plus an ALLOW policy with requestPrincipals ["*"]. */
function filters(): HttpFilterConfig[] {
  const jwt: JwtAuthnConfig = {
    providers: [{ name: 'origins-0', issuer: ISSUER, audiences: [], jwks, forward: false, fromHeaders: [], fromParams: [], fromCookies: [], claimToHeaders: [], spaceDelimitedClaims: [], payloadInMetadata: ISSUER, clockSkewSeconds: 60 }],
    rules: [{ match: routeMatch({ kind: 'prefix', value: '/' }), requires: { kind: 'requires_any', requirements: [{ kind: 'provider', provider: 'origins-0' }, { kind: 'allow_missing' }] } }],
    bypassCorsPreflight: true,
  };
  const rbac: HttpRbacConfig = {
    rules: {
      action: 'ALLOW',
      policies: [{
        name: 'ns[default]-policy[require-jwt]-rule[0]',
        permissions: [{ kind: 'any' }],
        principals: [{ kind: 'metadata', metadata: { filter: 'istio_authn', path: ['request.auth.principal'], value: { kind: 'string', match: { kind: 'regex', value: '.+' } }, invert: false } }],
      }],
    },
    rulesStatPrefix: '',
    shadowRulesStatPrefix: '',
  };
  return [
    { name: 'envoy.filters.http.jwt_authn', kind: 'jwt_authn', jwt },
    { name: 'envoy.filters.http.rbac', kind: 'rbac', rbac },
    { name: 'envoy.filters.http.router', kind: 'router' },
  ];
}

async function serve(httpFilters: HttpFilterConfig[] = filters(), extra: Partial<HttpConnectionManagerConfig> = {}): Promise<number> {
  const hcm = { ...extra, statPrefix: 'inbound_0.0.0.0_8080', httpFilters, codec: 'http1', streamIdleTimeoutMs: 0, requestTimeoutMs: 0, requestHeadersTimeoutMs: 0, maxRequestHeadersKb: 60, useRemoteAddress: false, generateRequestId: false, upgradeTypes: [] } as HttpConnectionManagerConfig;
  const table = createRouteTable(routeConfig([virtualHost('all', ['*'], [route('r', routeMatch({ kind: 'prefix', value: '/' }), { action: { kind: 'direct_response', status: 200, body: 'hello' } })])]));
  const config: StreamConfig = {
    direction: 'inbound',
    hcm,
    routeTable: () => table,
    clusters: { get: () => undefined },
    identity: { self: UNKNOWN_PEER },
    clock: SYSTEM_CLOCK,
    faultFilter: false,
    corsFilter: false,
    honourEnvoyHeaders: false,
  };
  const handler = createHttpConnectionHandler(config);
  const server = await serveInbound(handler);
  closers.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

function get(port: number, headers: Record<string, string> = {}, path = '/books'): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { ...headers, connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('Should run jwt_authn then RBAC before the route: no token is 403, a valid token passes, a bad one is 401', async () => {
  const port = await serve();
  assert.deepEqual(await get(port), { status: 403, body: 'RBAC: access denied', type: 'text/plain' });
  assert.deepEqual(await get(port, { authorization: `Bearer ${token}` }), { status: 200, body: 'hello', type: 'text/plain' });
  const bad = await get(port, { authorization: `Bearer ${token.slice(0, -4)}AAAA` });
  assert.equal(bad.status, 401);
  assert.equal(bad.body, 'Jwt verification fails');
});

test('Should match policies against the normalised path, so dot segments and escapes cannot slip past a DENY', async () => {
  const deny: HttpRbacConfig = {
    rules: { action: 'DENY', policies: [{ name: 'ns[default]-policy[no-admin]-rule[0]', permissions: [{ kind: 'url_path', match: { kind: 'exact', value: '/admin', ignoreCase: false } }], principals: [{ kind: 'any' }] }] },
    rulesStatPrefix: '',
    shadowRulesStatPrefix: '',
  };
  const port = await serve([{ name: 'envoy.filters.http.rbac', kind: 'rbac', rbac: deny }, { name: 'envoy.filters.http.router', kind: 'router' }], { normalizePath: true });
  for (const path of ['/admin', '/public/../admin', '/./admin', '/%61dmin', '/admin?x=1']) {
    assert.equal((await get(port, {}, path)).status, 403, path);
  }
  assert.equal((await get(port, {}, '/books')).status, 200);
  assert.equal((await get(port, {}, '/a%zz')).status, 400, 'a path that cannot be normalised');
});

test('Should take remote_ip from the last x-forwarded-for entry unless the peer address is trusted', () => {
  assert.equal(effectiveRemoteIp(false, '192.0.2.1, 198.51.100.2', '10.0.0.1'), '198.51.100.2');
  assert.equal(effectiveRemoteIp(true, '192.0.2.1', '10.0.0.1'), '10.0.0.1');
  assert.equal(effectiveRemoteIp(false, undefined, '10.0.0.1'), '10.0.0.1');
});
