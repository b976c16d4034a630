import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createLogger } from '../../log/index.js';
import type { DownstreamTlsConfig, ListenerConfig } from '../config/listener.js';
import type { ConnectionContext, NetworkFilterFactory } from '../listener/connection-handler.js';
import { chain, listener } from '../listener/listener-fixtures.js';
import { createListenerManager, type ListenerManager } from '../listener/listener-manager.js';
import { createTlsTerminator } from './downstream-tls.js';
import { createSecretStore, type SecretStore } from './secret-store.js';
import { SecureContextCache } from './secure-context-cache.js';
import { createTestCa, type TestCa, type TestLeaf } from './testing.js';
import { exchangeOnce, openClient } from './tls-test-client.js';

const logger = createLogger({ level: (process.env.TEST_LOG ?? 'silent') as 'silent', format: 'json' });
const SERVER_ID = 'spiffe://cluster.local/ns/default/sa/productpage';
const CLIENT_ID = 'spiffe://cluster.local/ns/default/sa/sleep';

let ca: TestCa;
let serverLeaf: TestLeaf;
let clientLeaf: TestLeaf;
const cleanups: (() => unknown)[] = [];

before(async () => {
  ca = await createTestCa();
  serverLeaf = await ca.issue({ uris: [SERVER_ID], commonName: 'productpage' });
  clientLeaf = await ca.issue({ uris: [CLIENT_ID], dnsNames: ['sleep.default.svc'], commonName: 'sleep' });
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Each handler writes `<chain>|` and echoes; the contexts it saw are kept. */
function echoFactory(seen: ConnectionContext[]): NetworkFilterFactory {
  return {
    createHandler: (c) => ({
      handle(socket, context) {
        seen.push(context);
        socket.on('error', () => undefined);
        socket.write(`${c.name}|`);
        socket.pipe(socket);
      },
    }),
  };
}

const MTLS: DownstreamTlsConfig = { requireClientCertificate: true, alpn: ['h2', 'http/1.1'], certificateSecret: 'default', validationSecret: 'ROOTCA' };

function inboundListener(tlsConfig: DownstreamTlsConfig): ListenerConfig {
  return listener('inbound', {
    address: '127.0.0.1',
    trafficDirection: 'INBOUND',
    listenerFilters: ['tls_inspector'],
    filterChains: [{ ...chain('mtls'), tls: tlsConfig }],
  });
}

async function start(tlsConfig: DownstreamTlsConfig = MTLS, store: SecretStore = createSecretStore()): Promise<{ port: number; seen: ConnectionContext[]; store: SecretStore; manager: ListenerManager }> {
  const seen: ConnectionContext[] = [];
  const contexts = new SecureContextCache(store);
  const manager = createListenerManager({ networkFilters: echoFactory(seen), logger, terminateTls: createTlsTerminator({ contexts, logger }) });
  cleanups.push(() => manager.close(), () => contexts.close());
  const config = inboundListener(tlsConfig);
  const result = await manager.apply(new Map([[config.name, config]]));
  assert.deepEqual(result.failed, []);
  return { port: manager.addresses()[0]!.port, seen, store, manager };
}

function provision(store: SecretStore): void {
  store.set('default', serverLeaf.secret);
  store.set('ROOTCA', ca.validation);
}

const clientTls = (leaf: TestLeaf | undefined, alpn: string[] = ['http/1.1']) => ({
  ca: ca.rootPem,
  ...(leaf ? { cert: leaf.certificatePem, key: leaf.privateKeyPem } : {}),
  ALPNProtocols: alpn,
  checkServerIdentity: () => undefined,
});

test('Should terminate mTLS and hand the handler the peer certificate, our principal and the negotiated ALPN', async () => {
  const { port, seen, store } = await start();
  provision(store);
  const out = await exchangeOnce({ port, tls: clientTls(clientLeaf) }, 'ping', 'mtls|ping');
  assert.equal(out.received, 'mtls|ping');
  assert.equal(out.alpn, 'http/1.1');
  const conn = seen[0]!.connection;
  assert.equal(conn.tls, true);
  assert.equal(conn.alpn, 'http/1.1');
  assert.deepEqual(seen[0]!.applicationProtocols, ['http/1.1']);
  assert.equal(conn.localPrincipal, SERVER_ID);
  assert.equal(conn.peerCertificate?.principal, CLIENT_ID);
  assert.deepEqual(conn.peerCertificate?.uriSans, [CLIENT_ID]);
  assert.deepEqual(conn.peerCertificate?.dnsSans, ['sleep.default.svc']);
  assert.equal(conn.peerCertificate?.subject, 'O=Heddle,CN=sleep');
  assert.match(conn.peerCertificate?.sha256 ?? '', /^[0-9a-f]{64}$/);
});

test("Should complete the handshake without ALPN when the client offers only Istio's in-mesh protocols to an h2/http1.1 context", async () => {
  const { port, seen, store } = await start();
  provision(store);
  const out = await exchangeOnce({ port, tls: clientTls(clientLeaf, ['istio-http/1.1', 'istio-peer-exchange', 'istio']) }, 'hi', 'mtls|hi');
  assert.equal(out.received, 'mtls|hi');
  assert.equal(out.alpn, false);
  assert.equal(seen[0]!.connection.alpn, undefined);
  assert.deepEqual(seen[0]!.applicationProtocols, []);
});

test('Should select h2 for a client offering istio-h2 and h2', async () => {
  const { port, store } = await start();
  provision(store);
  const out = await exchangeOnce({ port, tls: clientTls(clientLeaf, ['istio-h2', 'h2', 'istio-peer-exchange', 'istio']) }, 'x', 'mtls|x');
  assert.equal(out.alpn, 'h2');
});

test('Should refuse plaintext on a chain that requires client certificates', async () => {
  const { port, seen, store } = await start();
  provision(store);
  const out = await exchangeOnce({ port }, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', 'mtls|');
  assert.equal(out.closed, true);
  assert.equal(seen.length, 0);
});

test('Should refuse a TLS client without a certificate when one is required', async () => {
  const { port, seen, store } = await start();
  provision(store);
  const out = await exchangeOnce({ port, tls: clientTls(undefined) }, 'ping', 'mtls|ping');
  assert.equal(out.closed, true);
  assert.equal(out.received, '');
  assert.equal(seen.length, 0);
});

test('Should refuse an expired client certificate', async () => {
  const { port, seen, store } = await start();
  provision(store);
  const expired = await ca.issueExpired({ uris: [CLIENT_ID] });
  const out = await exchangeOnce({ port, tls: clientTls(expired) }, 'ping', 'mtls|ping');
  assert.equal(out.closed, true);
  assert.equal(out.received, '');
  assert.equal(seen.length, 0);
});

test("Should refuse a client certificate from a CA the validation secret doesn't trust", async () => {
  const { port, seen, store } = await start();
  provision(store);
  const foreign = await (await createTestCa('Foreign Root')).issue({ uris: [CLIENT_ID] });
  const out = await exchangeOnce({ port, tls: clientTls(foreign) }, 'ping', 'mtls|ping');
  assert.equal(out.closed, true);
  assert.equal(seen.length, 0);
});

test('Should accept only client certificates carrying one of the chain\'s subject alt names (a MUTUAL gateway with subjectAltNames)', async () => {
  const { port, seen, store } = await start({ ...MTLS, matchSubjectAltNames: ['sleep.default.svc'] });
  provision(store);
  const accepted = await exchangeOnce({ port, tls: clientTls(clientLeaf) }, 'ping', 'mtls|ping');
  assert.equal(accepted.received, 'mtls|ping');
  const other = await ca.issue({ uris: ['spiffe://cluster.local/ns/default/sa/other'] });
  const refused = await exchangeOnce({ port, tls: clientTls(other) }, 'ping', 'mtls|ping');
  assert.equal(refused.closed, true);
  assert.equal(refused.received, '');
  assert.equal(seen.length, 1);
});

test('Should close connections while the certificate secret is missing, and serve once it arrives', async () => {
  const { port, seen, store } = await start();
  store.set('ROOTCA', ca.validation);
  const before = await exchangeOnce({ port, tls: clientTls(clientLeaf) }, 'ping', 'mtls|ping');
  assert.equal(before.closed, true);
  assert.equal(seen.length, 0);
  store.set('default', serverLeaf.secret);
  const afterwards = await exchangeOnce({ port, tls: clientTls(clientLeaf) }, 'ping', 'mtls|ping');
  assert.equal(afterwards.received, 'mtls|ping');
});

test('Should serve a one-way TLS chain (gateway HTTPS) without a peer certificate', async () => {
  const { port, seen, store } = await start({ requireClientCertificate: false, alpn: ['h2', 'http/1.1'], certificateSecret: 'default' });
  provision(store);
  const out = await exchangeOnce({ port, tls: clientTls(undefined) }, 'ping', 'mtls|ping');
  assert.equal(out.received, 'mtls|ping');
  assert.equal(seen[0]!.connection.tls, true);
  assert.equal(seen[0]!.connection.peerCertificate, undefined);
});

test('Should use a rotated certificate for new connections while an open connection keeps working', async () => {
  const { port, store } = await start();
  provision(store);
  const open = await openClient({ port, tls: clientTls(clientLeaf) });
  cleanups.push(() => open.close());
  const first = await open.send('one', 'mtls|one');
  assert.equal(first.received, 'mtls|one');
  const rotated = await ca.issue({ uris: [SERVER_ID], commonName: 'productpage-rotated' });
  store.set('default', rotated.secret);
  const again = await open.send('two', 'mtls|onetwo');
  assert.equal(again.received, 'mtls|onetwo', 'the open connection carries on');
  assert.equal(again.serverFingerprint, first.serverFingerprint);
  const fresh = await exchangeOnce({ port, tls: clientTls(clientLeaf) }, 'three', 'mtls|three');
  assert.equal(fresh.received, 'mtls|three');
  assert.equal(fresh.serverFingerprint, new X509Certificate(rotated.certificatePem).fingerprint256, 'a new connection gets the new certificate');
});
