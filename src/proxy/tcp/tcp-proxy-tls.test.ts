import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import type { ClusterConfig, UpstreamTlsConfig } from '../config/cluster.js';
import type { ConnectionContext, ConnectionHandler } from '../listener/connection-handler.js';
import type { TcpConnectionEvent } from '../telemetry/events.js';
import { createSecretStore, type SecretStore } from '../tls/secret-store.js';
import { SecureContextCache } from '../tls/secure-context-cache.js';
import { createTestCa, type TestCa, type TestLeaf } from '../tls/testing.js';
import { createUpstreamTransports } from '../tls/upstream-transport.js';
import { createTcpProxyHandler } from './tcp-proxy.js';
import { createTcpTargetResolver } from './tcp-upstream-target.js';

const SERVER_ID = 'spiffe://cluster.local/ns/db/sa/mysql';
const CLIENT_ID = 'spiffe://cluster.local/ns/default/sa/app';
const closers: (() => unknown)[] = [];
const events: TcpConnectionEvent[] = [];
const onEvent = (e: unknown): number => events.push(e as TcpConnectionEvent);
let ca: TestCa;
let clientLeaf: TestLeaf;
let upstreamPort = 0;

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

/** An mTLS upstream that answers the first bytes with `<client SAN>|<bytes>` and ends. */
before(async () => {
  diagnosticsChannel.subscribe('heddle:proxy:tcp-connection', onEvent);
  closers.push(() => diagnosticsChannel.unsubscribe('heddle:proxy:tcp-connection', onEvent));
  ca = await createTestCa();
  clientLeaf = await ca.issue({ uris: [CLIENT_ID] });
  const serverLeaf = await ca.issue({ uris: [SERVER_ID] });
  upstreamPort = await listen(tls.createServer({ cert: serverLeaf.certificatePem, key: serverLeaf.privateKeyPem, ca: ca.rootPem, requestCert: true, rejectUnauthorized: true }, (s) => {
    s.on('error', () => undefined);
    s.once('data', (d: Buffer) => s.end(`${s.getPeerX509Certificate()?.subjectAltName}|${d.toString()}`));
  }));
});
after(() => closers.reverse().forEach((c) => c()));

function meshCluster(sans: string[]): ClusterConfig {
  const tlsConfig: UpstreamTlsConfig = { alpn: ['istio-peer-exchange', 'istio'], certificateSecret: 'default', validationSecret: 'ROOTCA', matchSubjectAltNames: sans };
  return {
    name: 'outbound|3306||mysql.db.svc.cluster.local', type: 'EDS', connectTimeoutMs: 5_000, lbPolicy: 'ROUND_ROBIN', leastRequestChoiceCount: 2,
    circuitBreakers: { maxConnections: 1, maxPendingRequests: 1, maxRequests: 1, maxRetries: 1 }, upstreamProtocol: 'http1',
    transportSocketMatches: [{ name: 'tlsMode-istio', match: { tlsMode: 'istio' }, tls: tlsConfig }, { name: 'tlsMode-disabled', match: {} }],
  };
}

/** A front server handing each connection to a TCP proxy whose one cluster is `cluster`. */
async function front(cluster: ClusterConfig, store: SecretStore): Promise<number> {
  const contexts = new SecureContextCache(store);
  closers.push(() => contexts.close());
  const transports = createUpstreamTransports(contexts);
  const resolve = createTcpTargetResolver({
    cluster: (name) => (name === cluster.name ? cluster : undefined),
    pickEndpoint: () => ({ address: '127.0.0.1', port: upstreamPort, weight: 1, healthStatus: 'HEALTHY', tlsMode: 'istio' }),
    transport: (c, tlsMode) => transports.resolve(c.transportSocketMatches, tlsMode, 'tcp'),
  });
  const handler: ConnectionHandler = createTcpProxyHandler({ statPrefix: 't', clusters: [{ name: cluster.name, weight: 1 }], idleTimeoutMs: 60_000 }, { resolve, reporter: 'source' });
  return listen(net.createServer({ allowHalfOpen: true }, (socket) => {
    const context: ConnectionContext = {
      connection: { remoteAddress: '127.0.0.1', remotePort: socket.remotePort!, localAddress: '127.0.0.1', localPort: socket.localPort!, destinationAddress: '127.0.0.1', destinationPort: 3306, tls: false },
      listenerName: 'test', filterChainName: 'test', trafficDirection: 'OUTBOUND', originalDestination: undefined,
      serverName: undefined, transportProtocol: 'raw_buffer', applicationProtocols: [],
    };
    handler.handle(socket, context);
  }));
}

async function exchange(port: number, payload: string): Promise<string> {
  const client = net.connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  client.on('data', (c: Buffer) => chunks.push(c));
  client.on('error', () => undefined);
  client.write(payload);
  await new Promise((resolve) => client.once('close', resolve));
  return Buffer.concat(chunks).toString();
}

async function closeEventFlags(): Promise<readonly string[] | undefined> {
  for (let i = 0; i < 200; i++) {
    const found = events.find((e) => e.phase === 'close');
    if (found) return found.responseFlags;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return undefined;
}

function provisioned(): SecretStore {
  const store = createSecretStore();
  store.set('default', clientLeaf.secret);
  store.set('ROOTCA', ca.validation);
  return store;
}

test('Should originate mTLS for a TCP proxy connection to an istio endpoint whose SAN matches', async () => {
  events.length = 0;
  const port = await front(meshCluster([SERVER_ID]), provisioned());
  assert.equal(await exchange(port, 'hello'), `URI:${CLIENT_ID}|hello`);
  assert.deepEqual(await closeEventFlags(), []);
});

test('Should close with UF when the upstream SAN matches none of the expected ones', async () => {
  events.length = 0;
  const port = await front(meshCluster(['spiffe://cluster.local/ns/db/sa/other']), provisioned());
  assert.equal(await exchange(port, 'hello'), '');
  assert.deepEqual(await closeEventFlags(), ['UF']);
});

test('Should close with UF without connecting while the certificate secret is missing', async () => {
  events.length = 0;
  const store = createSecretStore();
  store.set('ROOTCA', ca.validation);
  const port = await front(meshCluster([SERVER_ID]), store);
  assert.equal(await exchange(port, 'hello'), '');
  assert.deepEqual(await closeEventFlags(), ['UF']);
});
