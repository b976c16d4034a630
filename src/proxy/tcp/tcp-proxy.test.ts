import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import net from 'node:net';
import { after, test } from 'node:test';
import type { TcpProxyConfig } from '../config/listener.js';
import type { ConnectionContext, ConnectionHandler } from '../listener/connection-handler.js';
import type { TcpConnectionEvent } from '../telemetry/events.js';
import { createTcpProxyHandler, type TcpProxyDeps } from './tcp-proxy.js';

const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

const events: TcpConnectionEvent[] = [];
const onEvent = (e: unknown) => events.push(e as TcpConnectionEvent);
diagnosticsChannel.subscribe('heddle:proxy:tcp-connection', onEvent);
closers.push(() => diagnosticsChannel.unsubscribe('heddle:proxy:tcp-connection', onEvent));

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

/** An upstream that echoes, and ends its side when the client ends its. */
async function echoServer(): Promise<number> {
  return listen(net.createServer({ allowHalfOpen: true }, (s) => s.pipe(s)));
}

/** A front socket server handing every connection to the handler, as a listener would. */
async function front(handler: ConnectionHandler): Promise<number> {
  return listen(net.createServer({ allowHalfOpen: true }, (socket) => {
    const context: ConnectionContext = {
      connection: { remoteAddress: socket.remoteAddress!, remotePort: socket.remotePort!, localAddress: socket.localAddress!, localPort: socket.localPort!, destinationAddress: '127.0.0.1', destinationPort: 1, tls: false },
      listenerName: 'test', filterChainName: 'test', trafficDirection: 'OUTBOUND', originalDestination: undefined,
      serverName: undefined, transportProtocol: 'raw_buffer', applicationProtocols: [],
    };
    handler.handle(socket, context);
  }));
}

function config(fields: Partial<TcpProxyConfig> = {}): TcpProxyConfig {
  return { statPrefix: 'test', clusters: [{ name: 'echo', weight: 1 }], idleTimeoutMs: 3_600_000, ...fields };
}

/** Connects, writes `payload`, half-closes, and collects what comes back until the proxy closes. */
async function exchange(port: number, payload: string): Promise<string> {
  const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const chunks: Buffer[] = [];
  client.on('data', (c: Buffer) => chunks.push(c));
  client.on('error', () => undefined);
  client.end(payload);
  await new Promise((resolve) => client.once('close', resolve));
  return Buffer.concat(chunks).toString();
}

const closeEvent = async (cluster: string): Promise<TcpConnectionEvent> => {
  for (let i = 0; i < 100; i++) {
    const found = events.find((e) => e.phase === 'close' && e.upstreamCluster === cluster);
    if (found) return found;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no close event for ${cluster}`);
};

test('Should pipe both ways through an echo upstream and pass the half-close on', async () => {
  const upstream = await echoServer();
  const deps: TcpProxyDeps = { reporter: 'source', resolve: () => ({ address: '127.0.0.1', port: upstream, connectTimeoutMs: 1000 }) };
  const port = await front(createTcpProxyHandler(config({ clusters: [{ name: 'echo-a', weight: 1 }] }), deps));
  const payload = 'x'.repeat(200_000);
  assert.equal(await exchange(port, payload), payload);
  const event = await closeEvent('echo-a');
  assert.equal(event.bytesReceived, 200_000);
  assert.equal(event.bytesSent, 200_000);
  assert.deepEqual(event.responseFlags, []);
  assert.equal(event.upstreamHost, `127.0.0.1:${upstream}`);
  assert.ok(events.some((e) => e.phase === 'open' && e.upstreamCluster === 'echo-a'));
});

test('Should pick a weighted cluster with the injected random', async () => {
  const upstream = await echoServer();
  const picked: string[] = [];
  const deps: TcpProxyDeps = { reporter: 'source', random: () => 0.8, resolve: (name) => (picked.push(name), { address: '127.0.0.1', port: upstream, connectTimeoutMs: 1000 }) };
  const port = await front(createTcpProxyHandler(config({ clusters: [{ name: 'v1', weight: 70 }, { name: 'v2', weight: 30 }] }), deps));
  assert.equal(await exchange(port, 'hi'), 'hi');
  assert.deepEqual(picked, ['v2']);
});

test('Should close the downstream with flag UF when the upstream refuses the connection', async () => {
  const closed = net.createServer();
  const deadPort = await listen(closed);
  closed.close();
  const outcomes: string[] = [];
  const deps: TcpProxyDeps = { reporter: 'source', resolve: () => ({ address: '127.0.0.1', port: deadPort, connectTimeoutMs: 1000, report: (o) => outcomes.push(o) }) };
  const port = await front(createTcpProxyHandler(config({ clusters: [{ name: 'dead', weight: 1 }] }), deps));
  assert.equal(await exchange(port, 'hello'), '');
  assert.deepEqual((await closeEvent('dead')).responseFlags, ['UF']);
  assert.deepEqual(outcomes, ['connect_failure']);
});

test('Should close the downstream at once for BlackHoleCluster, and with flag UH when no endpoint is healthy', async () => {
  const blackhole = await front(createTcpProxyHandler(config({ clusters: [{ name: 'BlackHoleCluster', weight: 1 }] }), { reporter: 'source', resolve: () => 'blackhole' }));
  assert.equal(await exchange(blackhole, 'hello'), '');
  assert.deepEqual((await closeEvent('BlackHoleCluster')).responseFlags, []);
  const empty = await front(createTcpProxyHandler(config({ clusters: [{ name: 'empty', weight: 1 }] }), { reporter: 'source', resolve: () => undefined }));
  assert.equal(await exchange(empty, 'hello'), '');
  assert.deepEqual((await closeEvent('empty')).responseFlags, ['UH']);
});

test('Should close both sides after the idle timeout', async () => {
  const upstream = await echoServer();
  const deps: TcpProxyDeps = { reporter: 'destination', resolve: () => ({ address: '127.0.0.1', port: upstream, connectTimeoutMs: 1000 }) };
  const port = await front(createTcpProxyHandler(config({ clusters: [{ name: 'idle', weight: 1 }], idleTimeoutMs: 40 }), deps));
  const client = net.connect({ port, host: '127.0.0.1' });
  const started = Date.now();
  client.resume();
  client.write('ping');
  await new Promise((resolve) => client.once('close', resolve));
  assert.ok(Date.now() - started >= 30, 'closed by the idle timer, not at once');
  const event = await closeEvent('idle');
  assert.equal(event.bytesSent, 4);
  assert.equal(event.reporter, 'destination');
});

test('Should close with flag UF when the connect timeout fires first', async () => {
  // The injected timer fires in a microtask: before any connect can complete.
  const timers = { setTimeout: (fn: () => void) => (queueMicrotask(fn), 1), clearTimeout: () => undefined };
  const upstream = await echoServer();
  const outcomes: string[] = [];
  const deps: TcpProxyDeps = { reporter: 'source', timers, resolve: () => ({ address: '127.0.0.1', port: upstream, connectTimeoutMs: 5, report: (o) => outcomes.push(o) }) };
  const port = await front(createTcpProxyHandler(config({ clusters: [{ name: 'slow', weight: 1 }] }), deps));
  assert.equal(await exchange(port, 'hello'), '');
  assert.deepEqual((await closeEvent('slow')).responseFlags, ['UF']);
  assert.deepEqual(outcomes, ['connect_timeout']);
});
