import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import net from 'node:net';
import { after, test } from 'node:test';
import type { TcpProxyConfig } from '../config/listener.js';
import type { NetworkRbacConfig } from '../config/policy.js';
import { filterStatChannel, type FilterStatEvent } from '../filters/filter-stats.js';
import type { ConnectionContext, ConnectionHandler } from '../listener/connection-handler.js';
import { createTcpProxyHandler } from './tcp-proxy.js';

const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

const stats: string[] = [];
const onStat = (e: unknown) => stats.push((e as FilterStatEvent).name);
filterStatChannel.subscribe(onStat);
closers.push(() => diagnosticsChannel.unsubscribe(filterStatChannel.name, onStat));

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

/** An echo upstream that counts the connections it got. */
async function echoServer(): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const port = await listen(net.createServer({ allowHalfOpen: true }, (s) => {
    accepted++;
    s.pipe(s);
  }));
  return { port, accepted: () => accepted };
}

async function front(handler: ConnectionHandler, serverName?: string): Promise<number> {
  return listen(net.createServer({ allowHalfOpen: true }, (socket) => {
    const context: ConnectionContext = {
      connection: { remoteAddress: socket.remoteAddress!, remotePort: socket.remotePort!, localAddress: socket.localAddress!, localPort: socket.localPort!, destinationAddress: '127.0.0.1', destinationPort: 9000, tls: false },
      listenerName: 'test', filterChainName: 'test', trafficDirection: 'INBOUND', originalDestination: undefined,
      serverName, transportProtocol: 'raw_buffer', applicationProtocols: [],
    };
    handler.handle(socket, context);
  }));
}

async function exchange(port: number, payload: string): Promise<string> {
  const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const chunks: Buffer[] = [];
  client.on('data', (c: Buffer) => chunks.push(c));
  client.on('error', () => undefined);
  client.end(payload);
  await new Promise((resolve) => client.once('close', resolve));
  return Buffer.concat(chunks).toString();
}

function config(networkRbac: NetworkRbacConfig[]): TcpProxyConfig {
  return { statPrefix: 'inbound', clusters: [{ name: 'echo', weight: 1 }], idleTimeoutMs: 3_600_000, networkRbac };
}

const DENY_LOOPBACK: NetworkRbacConfig = {
  statPrefix: 'tcp.',
  shadowRulesStatPrefix: '',
  rules: { action: 'DENY', policies: [{ name: 'ns[default]-policy[deny]-rule[0]', permissions: [{ kind: 'any' }], principals: [{ kind: 'direct_remote_ip', cidr: { address: '127.0.0.0', prefixLen: 8 } }] }] },
};
const ALLOW_SNI: NetworkRbacConfig = {
  statPrefix: 'tcp.',
  shadowRulesStatPrefix: '',
  rules: { action: 'ALLOW', policies: [{ name: 'sni', permissions: [{ kind: 'requested_server_name', match: { kind: 'exact', value: 'db.example', ignoreCase: false } }], principals: [{ kind: 'any' }] }] },
};

test('Should close a connection that network RBAC denies without reaching the upstream, and count it', async () => {
  const upstream = await echoServer();
  const handler = createTcpProxyHandler(config([DENY_LOOPBACK]), { reporter: 'destination', resolve: () => ({ address: '127.0.0.1', port: upstream.port, connectTimeoutMs: 1000 }) });
  const port = await front(handler);
  assert.equal(await exchange(port, 'hello'), '');
  assert.equal(upstream.accepted(), 0);
  assert.ok(stats.includes('tcp.rbac.denied'));
});

test('Should proxy a connection that network RBAC allows, using the SNI the listener found', async () => {
  const upstream = await echoServer();
  const handler = createTcpProxyHandler(config([ALLOW_SNI]), { reporter: 'destination', resolve: () => ({ address: '127.0.0.1', port: upstream.port, connectTimeoutMs: 1000 }) });
  assert.equal(await exchange(await front(handler, 'db.example'), 'hello'), 'hello');
  assert.equal(upstream.accepted(), 1);
  assert.equal(await exchange(await front(handler, 'other.example'), 'hello'), '', 'another SNI is denied');
  assert.equal(upstream.accepted(), 1);
  assert.ok(stats.includes('tcp.rbac.allowed'));
});
