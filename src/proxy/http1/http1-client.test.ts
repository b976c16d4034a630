import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { bufferedBody, type BodySource } from '../http/body.js';
import type { UpstreamClient, UpstreamError } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import { createHttp1Client } from './http1-client.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function listen(server: net.Server): Promise<number> {
  closers.push(() => {
    (server as http.Server).closeAllConnections?.();
    server.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

function head(method: string, path: string, fields: string[] = []): RequestHead {
  return { method, path, authority: 'upstream.test', scheme: 'http', protocol: 'HTTP/1.1', headers: new HeaderMap(fields) };
}

interface Outcome {
  head?: ResponseHead;
  body?: Buffer;
  error?: UpstreamError;
}

/** Sends one request with `body` and collects the whole response or the failure. */
function send(client: UpstreamClient, h: RequestHead, body: BodySource = bufferedBody(undefined)): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = client.request(h, {
      onResponse(rh, rb) {
        const parts: Buffer[] = [];
        rb.pipe({ write: (c) => (parts.push(Buffer.from(c)), true), onceDrain: (fn) => fn(), end: () => resolve({ head: rh, body: Buffer.concat(parts) }), abort: (e) => resolve({ head: rh, error: e as UpstreamError }) });
      },
      onError: (error) => resolve({ error }),
    });
    body.pipe(req.body);
  });
}

describe('createHttp1Client', () => {
  it('Should reuse one socket for sequential requests and send the request as given', async () => {
    const ports = new Set<number>();
    const seen: string[] = [];
    const port = await listen(
      http.createServer((req, res) => {
        ports.add(req.socket.remotePort!);
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers['content-length'] ?? '-'} ${req.headers['transfer-encoding'] ?? '-'} ${body}`);
          res.end(`ok ${req.url}`);
        });
      }),
    );
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    closers.unshift(() => client.close());
    for (let i = 0; i < 5; i++) {
      const r = await send(client, head('POST', `/p${i}`, ['x-n', String(i)]), bufferedBody(Buffer.from(`body${i}`)));
      assert.equal(r.head?.status, 200);
      assert.equal(r.body?.toString(), `ok /p${i}`);
    }
    assert.equal(ports.size, 1);
    assert.equal(client.connections, 1);
    assert.equal(client.active, 0);
    assert.deepEqual(seen[0], 'POST /p0 upstream.test 5 - body0');
  });

  it('Should send a body of unknown length chunked', async () => {
    let got = '';
    const port = await listen(http.createServer((req, res) => {
      got = String(req.headers['transfer-encoding']);
      req.resume();
      req.on('end', () => res.end());
    }));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    closers.unshift(() => client.close());
    // A pooled connection makes the request start at once, before its body has ended.
    assert.equal((await send(client, head('GET', '/'))).head?.status, 200);
    const r = await new Promise<Outcome>((resolve) => {
      const req = client.request(head('POST', '/'), { onResponse: (h, b) => (b.discard(), resolve({ head: h })), onError: (error) => resolve({ error }) });
      req.body.write(Buffer.from('abc'));
      setImmediate(() => req.body.end());
    });
    assert.equal(r.head?.status, 200);
    assert.equal(got, 'chunked');
  });

  it('Should report connect_failure when nothing listens', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    probe.close();
    await new Promise((r) => setImmediate(r));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    const r = await send(client, head('GET', '/'));
    assert.equal(r.error?.failure, 'connect_failure');
    assert.equal(client.connections, 0);
    assert.equal(client.pending, 0);
  });

  it('Should report reset_before_response when the server closes without answering', async () => {
    const port = await listen(net.createServer((s) => s.once('data', () => s.destroy())));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    const r = await send(client, head('GET', '/'));
    assert.equal(r.error?.failure, 'reset_before_response');
    assert.equal(client.active, 0);
  });

  it('Should report reset_before_response when a reused socket is reset before any response byte', async () => {
    let n = 0;
    const port = await listen(net.createServer((s) => s.on('data', () => (++n === 1 ? s.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx') : s.resetAndDestroy()))));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    assert.equal((await send(client, head('GET', '/'))).head?.status, 200);
    assert.equal(client.connections, 1);
    const r = await send(client, head('GET', '/'));
    assert.equal(r.error?.failure, 'reset_before_response');
    assert.equal(n, 2);
  });

  it('Should report reset_after_response and abort the body when the server stops mid-body', async () => {
    const port = await listen(net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'))));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    const r = await send(client, head('GET', '/'));
    assert.equal(r.head?.status, 200);
    assert.equal(r.error?.failure, 'reset_after_response');
  });

  it('Should report protocol_error for a garbage response', async () => {
    const port = await listen(net.createServer((s) => s.once('data', () => s.write('SSH-2.0-OpenSSH\r\n\r\n'))));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    const r = await send(client, head('GET', '/'));
    assert.equal(r.error?.failure, 'protocol_error');
  });

  it('Should read a close-delimited body and skip 100 Continue', async () => {
    const port = await listen(net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nuntil the end'))));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    const r = await send(client, head('GET', '/'));
    assert.equal(r.head?.status, 200);
    assert.equal(r.head?.headers.get('x-a'), '1');
    assert.equal(r.body?.toString(), 'until the end');
  });

  it('Should read no body for HEAD and 204, and keep the socket', async () => {
    const ports = new Set<number>();
    const port = await listen(http.createServer((req, res) => {
      ports.add(req.socket.remotePort!);
      if (req.url === '/204') res.writeHead(204).end();
      else res.writeHead(200, { 'content-length': '42' }).end();
    }));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    closers.unshift(() => client.close());
    const a = await send(client, head('HEAD', '/'));
    assert.equal(a.head?.status, 200);
    assert.equal(a.head?.headers.get('content-length'), '42');
    assert.equal(a.body?.length, 0);
    const b = await send(client, head('GET', '/204'));
    assert.equal(b.head?.status, 204);
    assert.equal(ports.size, 1);
  });

  it('Should drop an idle socket the server closed and open a new one', async () => {
    const ports = new Set<number>();
    const server = http.createServer((req, res) => (ports.add(req.socket.remotePort!), res.end('x')));
    server.keepAliveTimeout = 5;
    const port = await listen(server);
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    closers.unshift(() => client.close());
    assert.equal((await send(client, head('GET', '/'))).head?.status, 200);
    for (let i = 0; i < 200 && client.connections > 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(client.connections, 0);
    assert.equal((await send(client, head('GET', '/'))).head?.status, 200);
    assert.equal(ports.size, 2);
  });

  it('Should close after a response with Connection: close', async () => {
    const port = await listen(http.createServer((_req, res) => res.writeHead(200, { connection: 'close' }).end('x')));
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    closers.unshift(() => client.close());
    for (let i = 0; i < 3; i++) assert.equal((await send(client, head('GET', '/'))).head?.status, 200);
    for (let i = 0; i < 200 && client.connections > 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(client.connections, 0);
  });

  it('Should close a pooled connection only after it has been idle for the idle timeout', async () => {
    const ports = new Set<number>();
    const port = await listen(http.createServer((req, res) => (ports.add(req.socket.remotePort!), res.end('x'))));
    let now = 0;
    const due: { at: number; fn: () => void }[] = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => due.push({ at: now + ms, fn }),
      clearTimeout: () => undefined,
      now: () => now,
    };
    const advance = (ms: number): void => {
      now += ms;
      for (let guard = 0; guard < 100; guard++) {
        const i = due.findIndex((t) => t.at <= now);
        if (i < 0) break;
        due.splice(i, 1)[0]!.fn();
      }
    };
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 0, idleTimeoutMs: 1000, timers });
    closers.unshift(() => client.close());
    assert.equal((await send(client, head('GET', '/'))).head?.status, 200);
    advance(900);
    assert.equal((await send(client, head('GET', '/'))).head?.status, 200, 'reused before the idle timeout');
    advance(900);
    await new Promise((r) => setImmediate(r));
    assert.equal(client.connections, 1, 'idle for 900 ms since the second request: still open');
    assert.equal(due.length, 1, 'one timer for the connection, not one per request');
    advance(100);
    for (let i = 0; i < 200 && client.connections > 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(client.connections, 0, 'closed 1000 ms after it went idle');
    assert.equal(ports.size, 1);
  });

  it('Should report connect_timeout when the connect timer fires first', async () => {
    const port = await listen(net.createServer((s) => s.destroy()));
    const fire: (() => void)[] = [];
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000, timers: { setTimeout: (fn) => fire.push(fn), clearTimeout: () => undefined } });
    const outcome = send(client, head('GET', '/'));
    assert.equal(client.pending, 1);
    fire[0]!();
    const r = await outcome;
    assert.equal(r.error?.failure, 'connect_timeout');
    assert.equal(client.pending, 0);
  });

  it('Should hand the socket to onUpgrade after a 101', async () => {
    const server = http.createServer();
    server.on('upgrade', (_req, socket: net.Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nhi');
      socket.on('data', (c) => socket.write(c));
    });
    const port = await listen(server);
    const client = createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = client.request(head('GET', '/ws', ['upgrade', 'echo']), {
        onResponse: () => reject(new Error('no upgrade')),
        onError: reject,
        onUpgrade(h, socket) {
          assert.equal(h.status, 101);
          let text = '';
          socket.on('data', (c: Buffer) => {
            text += c.toString();
            if (text === 'hi there') {
              socket.destroy();
              resolve(text);
            }
          });
          socket.resume();
          socket.write(' there');
        },
      });
      req.body.end();
    });
    assert.equal(echoed, 'hi there');
    assert.equal(client.connections, 0);
  });
});
