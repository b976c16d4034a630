import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import type { TransportSocketMatch, UpstreamTlsConfig } from '../config/cluster.js';
import { createSecretStore } from './secret-store.js';
import { SecureContextCache } from './secure-context-cache.js';
import { createTestCa, type TestCa } from './testing.js';
import { authorityHost, createUpstreamTransports, type AutoHostOptions, type TransportResult } from './upstream-transport.js';

const MESH_ID = 'spiffe://cluster.local/ns/default/sa/reviews';

let ca: TestCa;
let externalPort = 0;
let meshPort = 0;
let contexts: SecureContextCache;
const servers: tls.Server[] = [];

async function listen(options: tls.TlsOptions): Promise<number> {
  // Each server tells the client the SNI it received, `none` when there was none.
  const server = tls.createServer(options, (socket) => socket.end(socket.servername || 'none'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

before(async () => {
  ca = await createTestCa();
  const external = await ca.issue({ dnsNames: ['api.example.com'], commonName: 'api.example.com' });
  const mesh = await ca.issue({ uris: [MESH_ID], commonName: '' });
  externalPort = await listen({ cert: external.certificatePem, key: external.privateKeyPem });
  meshPort = await listen({ cert: mesh.certificatePem, key: mesh.privateKeyPem });
  const store = createSecretStore();
  store.set('ROOTCA', ca.validation);
  contexts = new SecureContextCache(store);
});

after(async () => {
  contexts.close();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

/** A SIMPLE-mode DestinationRule's TLS: trusted roots, no SNI, no SANs. */
const SIMPLE: UpstreamTlsConfig = { alpn: [], validationSecret: 'ROOTCA', matchSubjectAltNames: [] };

function only(config: UpstreamTlsConfig): TransportSocketMatch[] {
  return [{ name: 'default', match: {}, tls: config }];
}

function resolve(config: UpstreamTlsConfig, auto?: AutoHostOptions): TransportResult {
  return createUpstreamTransports(contexts).resolve(only(config), undefined, 'http1', auto);
}

/** Connects with the transport's options; resolves `sni:<what the server saw>` or the TLS error code. */
function connect(result: TransportResult, port: number): Promise<string> {
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return new Promise((done) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...result.transport.tls });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.once('end', () => {
      socket.destroy();
      done(`sni:${received}`);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      done(err.code ?? err.message);
    });
  });
}

test('Should refuse a server whose certificate is not valid for the request host under auto_san_validation', async () => {
  const result = resolve(SIMPLE, { autoSni: true, autoSanValidation: true, host: 'evil.example.org' });
  assert.equal(await connect(result, externalPort), 'ERR_TLS_CERT_ALTNAME_INVALID');
});

test('Should accept a server valid for the request host under auto_san_validation and send the host as SNI', async () => {
  const result = resolve(SIMPLE, { autoSni: true, autoSanValidation: true, host: 'api.example.com' });
  assert.equal(await connect(result, externalPort), 'sni:api.example.com');
});

test('Should key transports by the request host, so connections for one host never serve another', () => {
  const a = resolve(SIMPLE, { autoSni: true, autoSanValidation: true, host: 'api.example.com' });
  const b = resolve(SIMPLE, { autoSni: true, autoSanValidation: true, host: 'other.example.com' });
  assert.ok(a.ok && b.ok);
  assert.notEqual(a.transport.key, b.transport.key);
});

test('Should refuse the transport when auto_san_validation has no request host to check', () => {
  const result = resolve(SIMPLE, { autoSni: true, autoSanValidation: true });
  assert.deepEqual(result, { ok: false, reason: 'tls: auto_san_validation without a request host' });
});

test('Should refuse the transport when names are to be checked without a validation context', () => {
  const result = resolve({ alpn: [], matchSubjectAltNames: ['api.example.com'] });
  assert.deepEqual(result, { ok: false, reason: 'tls: server name check without a validation context' });
});

test('Should send the host as SNI without checking it under auto_sni alone', async () => {
  const result = resolve(SIMPLE, { autoSni: true, autoSanValidation: false, host: 'other.example.com' });
  assert.equal(await connect(result, externalPort), 'sni:other.example.com');
});

test('Should not send an IP address host as SNI', async () => {
  const result = resolve(SIMPLE, { autoSni: true, autoSanValidation: false, host: '127.0.0.1' });
  assert.equal(await connect(result, externalPort), 'sni:none');
});

test('Should accept any mesh identity for ISTIO_MUTUAL with an empty SAN list', async () => {
  const result = resolve({ sni: 'outbound_.9080_._.reviews.default.svc.cluster.local', alpn: ['istio'], validationSecret: 'ROOTCA', matchSubjectAltNames: [] });
  assert.equal(await connect(result, meshPort), 'sni:outbound_.9080_._.reviews.default.svc.cluster.local');
});

test('Should still refuse a mesh identity outside a non-empty SAN list', async () => {
  const result = resolve({ alpn: [], validationSecret: 'ROOTCA', matchSubjectAltNames: ['spiffe://cluster.local/ns/default/sa/ratings'] });
  assert.equal(await connect(result, meshPort), 'ERR_TLS_CERT_ALTNAME_INVALID');
});

test("Should take the host of an authority without its port, lowercased, and undefined for none", () => {
  assert.equal(authorityHost('API.example.com:8443'), 'api.example.com');
  assert.equal(authorityHost('api.example.com'), 'api.example.com');
  assert.equal(authorityHost('[::1]:443'), '::1');
  assert.equal(authorityHost('::1'), '::1');
  assert.equal(authorityHost(''), undefined);
  assert.equal(authorityHost(undefined), undefined);
});

test('Should answer each tlsMode by its own transport socket match, also when asked again', () => {
  const matches: TransportSocketMatch[] = [
    { name: 'tlsMode-istio', match: { tlsMode: 'istio' }, tls: SIMPLE },
    { name: 'tlsMode-disabled', match: {} },
  ];
  const transports = createUpstreamTransports(contexts);
  for (let round = 0; round < 2; round++) {
    const istio = transports.resolve(matches, 'istio', 'http1');
    assert.ok(istio.ok && istio.transport.tls !== undefined, `round ${round}: istio gets TLS`);
    const none = transports.resolve(matches, undefined, 'http1');
    assert.ok(none.ok && none.transport.key === 'plaintext', `round ${round}: no tlsMode is plaintext`);
    const disabled = transports.resolve(matches, 'disabled', 'http1');
    assert.ok(disabled.ok && disabled.transport.key === 'plaintext', `round ${round}: disabled is plaintext`);
  }
  // Another cluster's matches with the same tlsMode pick from their own list.
  const tlsOnly: TransportSocketMatch[] = [{ name: 'all', match: {}, tls: SIMPLE }];
  const other = transports.resolve(tlsOnly, undefined, 'http1');
  assert.ok(other.ok && other.transport.tls !== undefined);
});
