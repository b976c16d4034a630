import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import type { ClusterConfig, UpstreamTlsConfig } from '../config/cluster.js';
import { UpstreamError, type UpstreamClient } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import type { ResponseHead } from '../http/message.js';
import { createUpstreamCluster } from '../upstream/cluster.js';
import type { Host } from '../upstream/host.js';
import { createSecretStore, type SecretStore } from '../tls/secret-store.js';
import { SecureContextCache } from '../tls/secure-context-cache.js';
import { createTestCa, type TestCa, type TestLeaf } from '../tls/testing.js';
import { transportFailureReason } from '../tls/unavailable-client.js';
import { createUpstreamTransports } from '../tls/upstream-transport.js';
import { RouterClusterImpl } from './router-cluster.js';

const SERVER_ID = 'spiffe://cluster.local/ns/default/sa/reviews';
const CLIENT_ID = 'spiffe://cluster.local/ns/default/sa/productpage';
const MAX = 2 ** 32 - 1;

let ca: TestCa;
let clientLeaf: TestLeaf;
let server: https.Server;
let port = 0;
const cleanups: (() => unknown)[] = [];

/** A mesh server: requires a client certificate, answers with what it saw of the client. */
before(async () => {
  ca = await createTestCa();
  clientLeaf = await ca.issue({ uris: [CLIENT_ID] });
  const serverLeaf = await ca.issue({ uris: [SERVER_ID] });
  server = https.createServer({
    cert: serverLeaf.certificatePem, key: serverLeaf.privateKeyPem, ca: ca.rootPem,
    requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['istio-http/1.1', 'http/1.1'],
  }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerX509Certificate();
    res.end(JSON.stringify({
      alpn: socket.alpnProtocol,
      sni: (socket as TLSSocket & { servername?: string }).servername,
      peer: peer?.subjectAltName,
      fingerprint: peer?.fingerprint256,
    }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function meshTls(sans: string[]): UpstreamTlsConfig {
  return { sni: 'outbound_.9080_._.reviews.default.svc.cluster.local', alpn: ['istio-peer-exchange', 'istio'], certificateSecret: 'default', validationSecret: 'ROOTCA', matchSubjectAltNames: sans };
}

function clusterWith(tlsConfig: UpstreamTlsConfig, store: SecretStore, extra: Partial<ClusterConfig> = {}): { cluster: RouterClusterImpl; host: Host } {
  const config: ClusterConfig = {
    name: 'outbound|9080||reviews.default.svc.cluster.local',
    type: 'STATIC',
    connectTimeoutMs: 5_000,
    lbPolicy: 'ROUND_ROBIN',
    leastRequestChoiceCount: 2,
    circuitBreakers: { maxConnections: MAX, maxPendingRequests: MAX, maxRequests: MAX, maxRetries: MAX },
    upstreamProtocol: 'http1',
    transportSocketMatches: [{ name: 'tlsMode-istio', match: { tlsMode: 'istio' }, tls: tlsConfig }, { name: 'tlsMode-disabled', match: {} }],
    loadAssignment: {
      clusterName: 'reviews',
      localities: [{ locality: { region: '', zone: '', subZone: '' }, weight: 1, priority: 0, endpoints: [{ address: '127.0.0.1', port, weight: 1, healthStatus: 'HEALTHY', tlsMode: 'istio' }] }],
    },
    ...extra,
  };
  const contexts = new SecureContextCache(store);
  const upstream = createUpstreamCluster(config, { clock: { now: Date.now }, random: Math.random, timers: { setTimeout, clearTimeout, setInterval, clearInterval } as never });
  const cluster = new RouterClusterImpl(upstream, createUpstreamTransports(contexts));
  cleanups.push(() => cluster.close(), () => contexts.close());
  return { cluster, host: cluster.pickHost({ method: 'GET', path: '/', authority: 'reviews', scheme: 'http', protocol: 'HTTP/1.1', headers: new HeaderMap() }, [], '127.0.0.1', undefined) as Host };
}

function provisioned(): SecretStore {
  const store = createSecretStore();
  store.set('default', clientLeaf.secret);
  store.set('ROOTCA', ca.validation);
  return store;
}

/** Whether `condition` holds within 200 turns of the event loop (a socket close is reported asynchronously). */
async function eventually(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  return condition();
}

/** Sends GET / and resolves with the response (status and body) or the upstream error. */
function get(client: UpstreamClient): Promise<{ head: ResponseHead; body: string } | UpstreamError> {
  return new Promise((resolve) => {
    const req = client.request({ method: 'GET', path: '/', authority: 'reviews:9080', scheme: 'http', protocol: 'HTTP/1.1', headers: new HeaderMap() }, {
      onResponse(head, body) {
        const chunks: Buffer[] = [];
        body.pipe({ write: (c) => chunks.push(c) > 0, onceDrain: (fn) => fn(), end: () => resolve({ head, body: Buffer.concat(chunks).toString() }), abort: (err) => resolve(new UpstreamError('reset_after_response', err.message)) });
      },
      onError: resolve,
    });
    req.body.end();
  });
}

test("Should originate mTLS to an istio endpoint with SNI, Istio's HTTP/1.1 ALPN and our certificate, accepting a matching SAN", async () => {
  const { cluster, host } = clusterWith(meshTls([SERVER_ID]), provisioned());
  assert.equal(host.tlsMode, 'istio');
  const res = await get(cluster.client(host, 'http1'));
  assert.ok(!(res instanceof UpstreamError), `request failed: ${res instanceof UpstreamError ? res.message : ''}`);
  assert.equal(res.head.status, 200);
  const seen = JSON.parse(res.body) as { alpn: string; sni: string; peer: string };
  assert.equal(seen.alpn, 'istio-http/1.1');
  assert.equal(seen.sni, 'outbound_.9080_._.reviews.default.svc.cluster.local');
  assert.equal(seen.peer, `URI:${CLIENT_ID}`);
});

test('Should fail the connection as a connect failure (UF) when the server SAN matches none of the expected ones', async () => {
  const { cluster, host } = clusterWith(meshTls(['spiffe://cluster.local/ns/default/sa/ratings']), provisioned());
  const res = await get(cluster.client(host, 'http1'));
  assert.ok(res instanceof UpstreamError);
  assert.equal(res.failure, 'connect_failure');
  assert.match(transportFailureReason(res) ?? '', /^TLS_error: ERR_TLS_CERT_ALTNAME_INVALID/);
});

test("Should fail as a connect failure (UF) under auto_san_validation when the certificate is not valid for the request's host", async () => {
  const { cluster, host } = clusterWith(meshTls([]), provisioned(), { autoSni: true, autoSanValidation: true });
  const res = await get(cluster.client(host, 'http1', 'reviews:9080'));
  assert.ok(res instanceof UpstreamError);
  assert.equal(res.failure, 'connect_failure');
  assert.match(transportFailureReason(res) ?? '', /^TLS_error: ERR_TLS_CERT_ALTNAME_INVALID/);
  const missing = await get(cluster.client(host, 'http1'));
  assert.ok(missing instanceof UpstreamError && missing.failure === 'connect_failure', 'no authority, nothing to verify against: refused');
});

test('Should fail at once with "tls: secret default not ready" while the certificate secret is missing', async () => {
  const store = createSecretStore();
  store.set('ROOTCA', ca.validation);
  const { cluster, host } = clusterWith(meshTls([SERVER_ID]), store);
  const res = await get(cluster.client(host, 'http1'));
  assert.ok(res instanceof UpstreamError);
  assert.equal(res.failure, 'connect_failure');
  assert.equal(transportFailureReason(res), 'tls: secret default not ready');
  store.set('default', clientLeaf.secret);
  const later = await get(cluster.client(host, 'http1'));
  assert.ok(!(later instanceof UpstreamError) && later.head.status === 200, 'the secret arriving makes the endpoint usable');
});

test('Should not share connections between TLS and plaintext to the same host', async () => {
  const { cluster, host } = clusterWith(meshTls([SERVER_ID]), provisioned());
  const tlsClient = cluster.client(host, 'http1');
  const res = await get(tlsClient);
  assert.ok(!(res instanceof UpstreamError));
  assert.equal(tlsClient.connections, 1);
  const plainHost = { address: host.address, port: host.port };
  const plainClient = cluster.client(plainHost, 'http1');
  assert.notEqual(plainClient, tlsClient);
  assert.equal(plainClient.connections, 0, 'the plaintext pool did not get the TLS connection');
  assert.notEqual(cluster.client(host, 'http2'), cluster.client(host, 'http1'), 'protocols keep separate pools too');
});

test('Should use a rotated client certificate for new connections, letting the old pool finish', async () => {
  const store = provisioned();
  const { cluster, host } = clusterWith(meshTls([SERVER_ID]), store);
  const previous = cluster.client(host, 'http1');
  const first = await get(previous);
  assert.ok(!(first instanceof UpstreamError));
  assert.equal(cluster.client(host, 'http1'), previous, 'the same transport reuses the pool');
  const rotated = await ca.issue({ uris: [CLIENT_ID], commonName: 'rotated' });
  store.set('default', rotated.secret);
  const afterRotation = cluster.client(host, 'http1');
  assert.notEqual(afterRotation, previous);
  assert.ok(await eventually(() => previous.connections === 0), 'the idle connection of the old pool was closed');
  const second = await get(afterRotation);
  assert.ok(!(second instanceof UpstreamError));
  assert.equal((JSON.parse(second.body) as { fingerprint: string }).fingerprint, new X509Certificate(rotated.certificatePem).fingerprint256);
});
