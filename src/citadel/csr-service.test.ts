import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { CaClientError, type CertificateAuthorityClient } from '../security/ca-client.js';
import { createGrpcCaClient } from '../security/ca-grpc-client.js';
import { issueBootstrapToken } from './bootstrap-token.js';
import { createCitadel, type Citadel } from './citadel.js';
import { createTestSpiffeCsr } from './testing-csr.js';

const CART_URI = 'spiffe://cluster.local/ns/shop/sa/cart';
let caDir: string;
let citadel: Citadel;
let server: grpc.Server;
let plainPort: number;
let tlsPort: number;
const logs: Array<Record<string, unknown>> = [];
const registry = new Registry();

function bind(address: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port))));
}

before(async () => {
  caDir = await mkdtemp(join(tmpdir(), 'heddle-csr-'));
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  citadel = await createCitadel({ caDir, trustDomain: 'cluster.local' }, { log: pino({ level: 'info' }, sink), metricsRegistry: registry });
  server = new grpc.Server();
  server.addService(citadel.service.definition, citadel.service.implementation);
  plainPort = await bind('127.0.0.1:0', grpc.ServerCredentials.createInsecure());
  tlsPort = await bind('127.0.0.1:0', citadel.serverCredentials);
});

after(async () => {
  server.forceShutdown();
  await rm(caDir, { recursive: true, force: true });
});

async function withClient<T>(client: CertificateAuthorityClient, fn: (c: CertificateAuthorityClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

function plainClient(token: () => Promise<string>): CertificateAuthorityClient {
  return createGrpcCaClient({ address: `127.0.0.1:${plainPort}`, token });
}

const cartToken = () => issueBootstrapToken(caDir, { namespace: 'shop', serviceAccount: 'cart' });

async function rejection(client: CertificateAuthorityClient, csrPem: string): Promise<CaClientError> {
  return withClient(client, async (c) => {
    const err = await c.createCertificate({ csrPem, validitySeconds: 3600 }).then(
      () => assert.fail('the CA signed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CaClientError, String(err));
    return err;
  });
}

test('Should issue a certificate for the identity the token proves, with the chain and trust bundle split', async () => {
  const csrPem = await createTestSpiffeCsr(CART_URI);
  const signed = await withClient(plainClient(cartToken), (c) => c.createCertificate({ csrPem, validitySeconds: 3600 }));
  assert.equal(signed.certChainPem.length, 1);
  assert.deepEqual(signed.trustBundlePem, citadel.ca.trustBundlePem);
  const leaf = new X509Certificate(signed.certChainPem[0]!);
  const root = new X509Certificate(signed.trustBundlePem[0]!);
  assert.equal(leaf.subjectAltName, `URI:${CART_URI}`);
  assert.ok(leaf.checkIssued(root) && leaf.verify(root.publicKey));
  assert.ok(logs.some((l) => l.identity === CART_URI && String(l.msg).startsWith('issued a certificate')));
});

test('Should refuse a call without a token as unauthenticated, and log the claimed identity', async () => {
  const err = await rejection(plainClient(async () => ''), await createTestSpiffeCsr(CART_URI));
  assert.equal(err.kind, 'unauthenticated');
  assert.match(err.message, /no bearer token/);
  const line = logs.findLast((l) => l.code === 'unauthenticated');
  assert.equal(line?.claimed, CART_URI);
  assert.equal(line?.proven, null);
});

test('Should refuse a CSR for another identity as permission-denied, logging claimed and proven identities', async () => {
  const other = 'spiffe://cluster.local/ns/shop/sa/admin';
  const err = await rejection(plainClient(cartToken), await createTestSpiffeCsr(other));
  assert.equal(err.kind, 'permission-denied');
  const line = logs.findLast((l) => l.code === 'identity-mismatch');
  assert.equal(line?.claimed, other);
  assert.equal(line?.proven, CART_URI);
});

test('Should refuse a malformed CSR as an invalid request', async () => {
  const err = await rejection(plainClient(cartToken), 'not a csr');
  assert.equal(err.kind, 'invalid-request');
  assert.match(err.message, /PKCS#10/);
});

test('Should serve the CA over TLS to a client that trusts the root and expects istiod\'s name', async () => {
  const client = createGrpcCaClient({
    address: `127.0.0.1:${tlsPort}`,
    token: cartToken,
    tls: { rootCertPem: citadel.ca.authority.rootPem, serverName: 'istiod.istio-system.svc' },
  });
  const signed = await withClient(client, async (c) => c.createCertificate({ csrPem: await createTestSpiffeCsr(CART_URI), validitySeconds: 0 }));
  assert.equal(new X509Certificate(signed.certChainPem[0]!).subjectAltName, `URI:${CART_URI}`);
});

test('Should report an unreachable CA as unavailable', async () => {
  const closed = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    closed.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  closed.forceShutdown();
  const client = createGrpcCaClient({ address: `127.0.0.1:${port}`, token: cartToken });
  const err = await rejection(client, await createTestSpiffeCsr(CART_URI));
  assert.equal(err.kind, 'unavailable');
});

test('Should count CSRs, issued certificates and refusals under Istio\'s metric names', async () => {
  const text = await registry.metrics();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
  assert.ok(value(/^citadel_server_csr_count (\d+)/m) >= 5);
  assert.ok(value(/^citadel_server_success_cert_issuance_count (\d+)/m) >= 2);
  assert.ok(value(/^citadel_server_csr_sign_err_count\{error="identity-mismatch"\} (\d+)/m) >= 1);
  assert.ok(value(/^citadel_server_authentication_failure_count (\d+)/m) >= 1);
});
