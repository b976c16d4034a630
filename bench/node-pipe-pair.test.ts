// The Node pipe pairs, as real hop processes in front of loopback servers: plain TCP with
// half-close, and mutual TLS between the hops.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { request, createServer as createHttpServer } from 'node:http';
import { connect as connectTcp, createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { describe, it, type TestContext } from 'node:test';
import { startNodePipePair } from './node-pipe-pair.js';

const LOOPBACK = { clientHost: '127.0.0.1', serverHost: '127.0.0.1' };
const noOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0 ? 'openssl is not installed' : undefined;

async function listen(t: TestContext, server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return (server.address() as AddressInfo).port;
}

function get(host: string, port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out'))).on('error', reject).end();
  });
}

describe('startNodePipePair', () => {
  it('Should carry a half-closed TCP stream and the answer the target sends after it', async (t) => {
    const sink = createTcpServer({ allowHalfOpen: true }, (socket) => {
      let bytes = 0;
      socket.on('data', (c: Buffer) => (bytes += c.length)).on('end', () => socket.end(`${bytes}\n`));
    });
    const pair = await startNodePipePair(await listen(t, sink), LOOPBACK);
    t.after(() => pair.stop());
    const socket = connectTcp({ host: pair.host, port: pair.port, allowHalfOpen: true });
    let reply = '';
    socket.setEncoding('utf8').on('data', (c: string) => (reply += c));
    socket.end(Buffer.alloc(300_000, 1));
    await once(socket, 'close');
    assert.equal(reply, '300000\n');
  });

  it('Should carry a request through mutual TLS between the hops', { skip: noOpenssl }, async (t) => {
    const app = createHttpServer((_req, res) => res.end('hello world\n'));
    const pair = await startNodePipePair(await listen(t, app), { ...LOOPBACK, tls: true });
    t.after(() => pair.stop());
    assert.deepEqual(await get(pair.host, pair.port), { status: 200, body: 'hello world\n' });
    assert.ok(pair.alive());
  });

  it("Should refuse, at the TLS pair's server hop, a client without a certificate and a plaintext client", { skip: noOpenssl }, async (t) => {
    let served = 0;
    const app = createHttpServer((_req, res) => {
      served++;
      res.end('hello world\n');
    });
    const pair = await startNodePipePair(await listen(t, app), { ...LOOPBACK, tls: true });
    t.after(() => pair.stop());
    const bare = connectTls({ host: pair.serverHost, port: pair.serverPort, rejectUnauthorized: false, servername: 'node-pipe-server' });
    let answered = '';
    bare.setEncoding('utf8').on('data', (c: string) => (answered += c));
    bare.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const [err] = (await once(bare, 'error')) as [NodeJS.ErrnoException];
    assert.match(String(err.code), /CERTIFICATE_REQUIRED/);
    assert.equal(answered, '');
    await assert.rejects(get(pair.serverHost, pair.serverPort));
    assert.equal(served, 0);
    assert.ok(pair.alive());
  });
});
