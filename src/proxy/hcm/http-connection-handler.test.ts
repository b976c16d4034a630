import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { HttpConnectionManagerConfig } from '../config/listener.js';
import type { ConnectionHandler } from '../listener/connection-handler.js';
import { serveInbound } from './hcm-testing.js';
import { createRouteTable } from '../router/route-table.js';
import { route, routeConfig, routeMatch, virtualHost } from '../router/route-fixtures.js';
import { UNKNOWN_PEER } from '../telemetry/events.js';
import { createHttpConnectionHandler } from './http-connection-handler.js';
import { SYSTEM_CLOCK } from './ports.js';

const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

/** A loopback server whose connections go to an HTTP/1.1 handler answering 200 `hello` to everything. */
async function serve(): Promise<{ port: number; handler: ConnectionHandler }> {
  const hcm = { statPrefix: 'inbound_0.0.0.0_8080', httpFilters: [{ name: 'envoy.filters.http.router', kind: 'router' }], codec: 'http1', streamIdleTimeoutMs: 0, requestTimeoutMs: 0, requestHeadersTimeoutMs: 0, maxRequestHeadersKb: 60, useRemoteAddress: false, generateRequestId: false, upgradeTypes: [] } as HttpConnectionManagerConfig;
  const table = createRouteTable(routeConfig([virtualHost('all', ['*'], [route('r', routeMatch({ kind: 'prefix', value: '/' }), { action: { kind: 'direct_response', status: 200, body: 'hello' } })])]));
  const handler = createHttpConnectionHandler({
    direction: 'inbound', hcm, routeTable: () => table, clusters: { get: () => undefined }, identity: { self: UNKNOWN_PEER },
    clock: SYSTEM_CLOCK, faultFilter: false, corsFilter: false, honourEnvoyHeaders: false,
  });
  const server = await serveInbound(handler);
  closers.push(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, handler };
}

/** A raw keep-alive client: `request()` sends one GET and resolves with the response text; `closed` resolves when the server closes. */
async function client(port: number): Promise<{ request(): Promise<string>; closed: Promise<void>; socket: net.Socket }> {
  const socket = net.connect(port, '127.0.0.1');
  closers.push(() => socket.destroy());
  await new Promise((r) => socket.once('connect', r));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  return {
    socket,
    closed,
    request: () => new Promise((resolve) => {
      let text = '';
      const onData = (c: Buffer) => {
        text += c.toString('latin1');
        if (text.endsWith('hello')) {
          socket.off('data', onData);
          resolve(text);
        }
      };
      socket.on('data', onData);
      socket.write('GET / HTTP/1.1\r\nhost: a\r\n\r\n');
    }),
  };
}

test('Should close idle keep-alive connections once the config version they were accepted under is retired', async () => {
  const { port, handler } = await serve();
  const c = await client(port);
  assert.match(await c.request(), /^HTTP\/1\.1 200/);
  assert.match(await c.request(), /^HTTP\/1\.1 200/, 'the connection is kept alive');
  let closed = false;
  void c.closed.then(() => (closed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(closed, false);
  handler.retire!();
  await c.closed;
});

test('Should finish the exchange in progress before closing a retired connection', async () => {
  const { port, handler } = await serve();
  const c = await client(port);
  // Half a request: the exchange is in progress when the version is retired.
  c.socket.write('GET / HTTP/1.1\r\nhost: a\r\n');
  await new Promise((r) => setTimeout(r, 20));
  handler.retire!();
  let text = '';
  c.socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  c.socket.write('\r\n');
  await c.closed;
  assert.match(text, /^HTTP\/1\.1 200/);
  assert.match(text, /connection: close/i);
  assert.ok(text.endsWith('hello'));
});
