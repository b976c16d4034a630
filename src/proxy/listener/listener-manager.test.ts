import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { createLogger } from '../../log/index.js';
import type { ListenerConfig } from '../config/listener.js';
import type { ConnectionContext, NetworkFilterFactory, SocketAddress } from './connection-handler.js';
import { chain, listener, OUTBOUND_9080, VIRTUAL_OUTBOUND } from './listener-fixtures.js';
import { createListenerManager, type ListenerManager, type ListenerManagerOptions } from './listener-manager.js';
import type { Timers } from './timers.js';

const logger = createLogger({ level: 'silent', format: 'json' });
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

/** Every handler writes `<listener>/<chain>|` and then echoes, so a test sees where it landed and that no byte was lost. */
const contexts: ConnectionContext[] = [];
const echoFactory: NetworkFilterFactory = {
  createHandler: (c, l) => ({
    handle(socket, context) {
      contexts.push(context);
      socket.on('error', () => undefined);
      socket.write(`${l.name}/${c.name}|`);
      socket.pipe(socket);
    },
  }),
};

function manager(options: Partial<ListenerManagerOptions> = {}): ListenerManager {
  const m = createListenerManager({ networkFilters: echoFactory, logger, ...options });
  cleanups.push(() => m.close());
  return m;
}

/** Manual timers: nothing fires until the test says so. */
function manualTimers(): Timers & { fireAll(): void; pending(): number } {
  const queue = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (fn) => (queue.set(++next, fn), next),
    clearTimeout: (h) => void queue.delete(h as number),
    fireAll: () => {
      const fns = [...queue.values()];
      queue.clear();
      fns.forEach((f) => f());
    },
    pending: () => queue.size,
  };
}

const portOf = (m: ListenerManager, name: string) => m.addresses().find((a) => a.listener === name)!.port;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Connects, sends `payload`, and reads until `expected` bytes came back (or the socket closed). */
async function roundTrip(port: number, payload: string, host = '127.0.0.1', socket?: net.Socket): Promise<string> {
  const client = socket ?? net.connect({ port, host });
  client.on('error', () => undefined);
  let got = '';
  // The label, when there is one, is written before the echo, so it always comes first.
  const want = (s: string) => s.endsWith(payload);
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      got += d.toString();
      if (want(got)) done();
    };
    const done = () => {
      client.off('data', onData);
      resolve(got);
    };
    client.on('data', onData);
    client.once('close', done);
    client.write(payload);
  });
}

function freePort(host: string): Promise<number> {
  const s = net.createServer();
  return new Promise((resolve) => s.listen(0, host, () => {
    const { port } = s.address() as net.AddressInfo;
    s.close(() => resolve(port));
  }));
}

test('Should hand a redirected connection to the listener of its original destination', async () => {
  let destination: SocketAddress | undefined;
  const m = manager({ originalDestination: () => destination });
  const result = await m.apply(new Map([
    ['virtualOutbound', { ...VIRTUAL_OUTBOUND, address: '127.0.0.1', port: 0 }],
    ['0.0.0.0_9080', OUTBOUND_9080],
  ]));
  assert.deepEqual(result, { added: ['virtualOutbound', '0.0.0.0_9080'], updated: [], removed: [], failed: [] });
  const port = portOf(m, 'virtualOutbound');
  destination = { address: '10.0.0.5', port: 9080 };
  assert.equal(await roundTrip(port, 'a'), '0.0.0.0_9080/0.0.0.0_9080|a');
  assert.equal(contexts.at(-1)?.connection.destinationAddress, '10.0.0.5');
  destination = { address: '10.0.0.5', port: 5432 };
  assert.equal(await roundTrip(port, 'b'), 'virtualOutbound/PassthroughFilterChain|b');
  assert.equal(m.findListenerForDestination('10.1.2.3', 9080)?.name, '0.0.0.0_9080');
  assert.equal(m.findListenerForDestination('10.1.2.3', 9081), undefined);
});

test('Should treat an original destination equal to the listener itself as not redirected', async () => {
  const reader: { self?: SocketAddress } = {};
  const explicit: ConnectionContext[] = [];
  const m = manager({
    originalDestination: () => reader.self,
    explicitProxy: { handle: (socket, context) => (explicit.push(context), socket.end('explicit|')) },
  });
  await m.apply(new Map([['virtualOutbound', { ...VIRTUAL_OUTBOUND, address: '127.0.0.1', port: 0 }]]));
  const port = portOf(m, 'virtualOutbound');
  reader.self = { address: '127.0.0.1', port };
  assert.equal(await roundTrip(port, ''), 'explicit|');
  assert.equal(explicit[0]?.originalDestination, undefined);
});

test('Should give new connections the new chains while open ones keep theirs', async () => {
  const m = manager();
  const v1 = listener('gw', { address: '127.0.0.1', filterChains: [chain('v1', {}, 'a')] });
  await m.apply(new Map([['gw', v1]]));
  const port = portOf(m, 'gw');
  const old = net.connect({ port, host: '127.0.0.1' });
  assert.equal(await roundTrip(port, 'x', '127.0.0.1', old), 'gw/v1|x');
  const result = await m.apply(new Map([['gw', { ...v1, filterChains: [chain('v2', {}, 'b')] }]]));
  assert.deepEqual(result.updated, ['gw']);
  assert.equal(portOf(m, 'gw'), port, 'same socket, not rebound');
  assert.equal(await roundTrip(port, 'y'), 'gw/v2|y');
  old.removeAllListeners('data');
  assert.equal(await roundTrip(port, 'z', '127.0.0.1', old), 'z', 'the old connection still echoes through v1');
  old.destroy();
  assert.deepEqual((await m.apply(new Map([['gw', { ...v1, filterChains: [chain('v2', {}, 'b')] }]]))).updated, [], 'an equal config is no update');
});

test('Should stop accepting on a removed listener and drain its open connections', async () => {
  const timers = manualTimers();
  const m = manager({ timers, drainTimeoutMs: 1000 });
  await m.apply(new Map([['gw', listener('gw', { address: '127.0.0.1', filterChains: [chain('c', {}, 'a')] })]]));
  const port = portOf(m, 'gw');
  const open = net.connect({ port, host: '127.0.0.1' });
  assert.equal(await roundTrip(port, 'x', '127.0.0.1', open), 'gw/c|x');
  assert.deepEqual((await m.apply(new Map())).removed, ['gw']);
  assert.deepEqual(m.addresses(), []);
  await assert.rejects(roundTripOrRefused(port), /ECONNREFUSED/);
  open.removeAllListeners('data');
  assert.equal(await roundTrip(port, 'y', '127.0.0.1', open), 'y', 'the open connection still works while draining');
  assert.equal(timers.pending(), 1, 'the drain deadline is armed');
  const closed = new Promise((resolve) => open.once('close', resolve));
  timers.fireAll();
  await closed;
});

test('Should resolve a timed drain once open connections end, and close those left at the deadline', async () => {
  const timers = manualTimers();
  const m = manager({ timers });
  await m.apply(new Map([['gw', listener('gw', { address: '127.0.0.1', filterChains: [chain('c', {}, 'a')] })]]));
  const port = portOf(m, 'gw');
  const ending = net.connect({ port, host: '127.0.0.1' });
  const lingering = net.connect({ port, host: '127.0.0.1' });
  assert.equal(await roundTrip(port, 'x', '127.0.0.1', ending), 'gw/c|x');
  assert.equal(await roundTrip(port, 'y', '127.0.0.1', lingering), 'gw/c|y');
  let drained = false;
  const drain = m.drain(5000).then(() => (drained = true));
  await assert.rejects(roundTripOrRefused(port), /ECONNREFUSED/);
  ending.destroy();
  await tick();
  assert.equal(drained, false, 'one connection is still open');
  const closed = new Promise((resolve) => lingering.once('close', resolve));
  timers.fireAll();
  await closed;
  await drain;
  assert.equal(drained, true);
});

test('Should stop only the inbound listeners on an inbound-only drain, wait for their connections alone, and for all of them when settling all', async () => {
  const timers = manualTimers();
  const m = manager({ timers });
  await m.apply(new Map([
    ['in', listener('in', { address: '127.0.0.1', trafficDirection: 'INBOUND', filterChains: [chain('c', {}, 'a')] })],
    ['out', listener('out', { address: '127.0.0.1', filterChains: [chain('c', {}, 'b')] })],
  ]));
  const [inPort, outPort] = [portOf(m, 'in'), portOf(m, 'out')];
  const outbound = net.connect({ port: outPort, host: '127.0.0.1' });
  assert.equal(await roundTrip(outPort, 'x', '127.0.0.1', outbound), 'out/c|x');

  // An admin drain: the inbound listener stops, the app's outbound calls go on; an open outbound
  // connection does not hold the drain.
  await m.drain(5000, { inboundOnly: true });
  await assert.rejects(roundTripOrRefused(inPort), /ECONNREFUSED/);
  assert.equal(await roundTrip(outPort, 'y'), 'out/c|y', 'the outbound listener still accepts');

  // A shutdown: it waits for the outbound connection too, and closes it at the deadline.
  let drained = false;
  const drain = m.drain(5000, { inboundOnly: true, settleAll: true }).then(() => (drained = true));
  await tick();
  assert.equal(drained, false, 'the outbound connection is still open');
  const closed = new Promise((resolve) => outbound.once('close', resolve));
  timers.fireAll();
  await closed;
  await drain;
});

test('Should bind no listener a drain covers on a later update, and still bind the others', async () => {
  const m = manager();
  await m.apply(new Map([['in', listener('in', { address: '127.0.0.1', trafficDirection: 'INBOUND', filterChains: [chain('c', {}, 'a')] })]]));
  await m.drain(undefined, { inboundOnly: true });
  const result = await m.apply(new Map([
    ['in', listener('in', { address: '127.0.0.1', trafficDirection: 'INBOUND', filterChains: [chain('c', {}, 'a')] })],
    ['in2', listener('in2', { address: '127.0.0.1', trafficDirection: 'INBOUND', filterChains: [chain('c', {}, 'a')] })],
    ['out', listener('out', { address: '127.0.0.1', filterChains: [chain('c', {}, 'b')] })],
  ]));
  assert.deepEqual(result.added, ['out']);
  assert.deepEqual(result.failed, []);
  assert.deepEqual(m.addresses().map((a) => a.listener), ['out'], 'the drained inbound side stays closed');
  assert.equal(await roundTrip(portOf(m, 'out'), 'z'), 'out/c|z');
  // A drain of everything then covers the outbound side too.
  await m.drain(undefined, {});
  await m.drain(undefined, { inboundOnly: true });
  assert.deepEqual((await m.apply(new Map([['out2', listener('out2', { address: '127.0.0.1', filterChains: [chain('c', {}, 'b')] })]]))).added, []);
});

function roundTripOrRefused(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => (s.destroy(), resolve()));
    s.once('error', reject);
  });
}

test('Should report a listener whose port cannot be bound and apply the others', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => blocker.close());
  const taken = (blocker.address() as net.AddressInfo).port;
  const m = manager();
  const result = await m.apply(new Map([
    ['busy', listener('busy', { address: '127.0.0.1', port: taken, filterChains: [chain('c', {}, 'a')] })],
    ['fine', listener('fine', { address: '127.0.0.1', filterChains: [chain('c', {}, 'a')] })],
  ]));
  assert.deepEqual(result.added, ['fine']);
  assert.equal(result.failed[0]?.name, 'busy');
  assert.match(result.failed[0]!.reason, /EADDRINUSE/);
  assert.equal(await roundTrip(portOf(m, 'fine'), 'ok'), 'fine/c|ok');
});

test('Should bind the instance IP at each inbound app port in explicit mode', async () => {
  const appPort = await freePort('127.0.0.2');
  const inbound: ListenerConfig = listener('virtualInbound', {
    port: 15006, useOriginalDst: true, trafficDirection: 'INBOUND', listenerFilters: ['original_dst', 'tls_inspector'],
    filterChains: [chain('virtualInbound-blackhole', { destinationPort: 15006 }, 'BlackHoleCluster'), chain(`0.0.0.0_${appPort}`, { destinationPort: appPort })],
    defaultFilterChain: chain('virtualInbound', {}, 'InboundPassthroughCluster'),
  });
  const m = manager({ explicitInbound: { instanceIp: '127.0.0.2' }, listenAddressFor: () => ({ address: '127.0.0.2', port: 0 }) });
  assert.deepEqual((await m.apply(new Map([['virtualInbound', inbound]]))).failed, []);
  assert.ok(m.addresses().some((a) => a.address === '127.0.0.2' && a.port === appPort));
  assert.equal(await roundTrip(appPort, 'hi', '127.0.0.2'), `virtualInbound/0.0.0.0_${appPort}|hi`);
  const ctx = contexts.at(-1)!;
  assert.deepEqual(ctx.originalDestination, { address: '127.0.0.2', port: appPort });
  assert.equal(ctx.transportProtocol, 'raw_buffer');
});

const SNIFFED = listener('sniffed', {
  address: '127.0.0.1', listenerFilters: ['tls_inspector', 'http_inspector'],
  filterChains: [chain('http', { applicationProtocols: ['http/1.1', 'h2c'] })],
  defaultFilterChain: chain('tcp', {}, 'a'),
});

test('Should sniff HTTP from a client that sends its request line in pieces, losing no byte', async () => {
  const m = manager();
  await m.apply(new Map([['sniffed', SNIFFED]]));
  const client = net.connect({ port: portOf(m, 'sniffed'), host: '127.0.0.1' });
  await new Promise((resolve) => client.once('connect', resolve));
  client.write('GE');
  await tick();
  await tick();
  assert.equal(await roundTrip(0, 'T / HTTP/1.1\r\n\r\n', '127.0.0.1', client), 'sniffed/http|GET / HTTP/1.1\r\n\r\n');
  assert.deepEqual(contexts.at(-1)?.applicationProtocols, ['http/1.1']);
  client.destroy();
});

test('Should close a silent connection at the listener filter timeout, or continue when configured to', async () => {
  const timers = manualTimers();
  const m = manager({ timers });
  await m.apply(new Map([
    ['closing', { ...SNIFFED, name: 'closing' }],
    ['continuing', { ...SNIFFED, name: 'continuing', continueOnListenerFiltersTimeout: true }],
  ]));
  const silent = net.connect({ port: portOf(m, 'closing'), host: '127.0.0.1' });
  const patient = net.connect({ port: portOf(m, 'continuing'), host: '127.0.0.1' });
  let label = '';
  patient.on('data', (d: Buffer) => (label += d.toString()));
  silent.resume();
  for (let i = 0; i < 100 && timers.pending() < 2; i++) await tick();
  assert.equal(timers.pending(), 2);
  const closed = new Promise((resolve) => silent.once('close', resolve));
  timers.fireAll();
  await closed;
  for (let i = 0; i < 100 && !label; i++) await tick();
  assert.equal(label, 'continuing/tcp|');
  patient.destroy();
});

test('Should change its generation when a listener is added, updated or removed, and only then', async () => {
  const m = manager();
  const v1 = listener('gw', { address: '127.0.0.1', filterChains: [chain('v1', {}, 'a')] });
  const g0 = m.generation;
  await m.apply(new Map([['gw', v1]]));
  const added = m.generation;
  assert.notEqual(added, g0, 'added');
  await m.apply(new Map([['gw', { ...v1 }]]));
  assert.equal(m.generation, added, 'an equal config changes nothing');
  await m.apply(new Map([['gw', { ...v1, filterChains: [chain('v2', {}, 'b')] }]]));
  const updated = m.generation;
  assert.notEqual(updated, added, 'updated');
  await m.apply(new Map());
  assert.notEqual(m.generation, updated, 'removed');
});
