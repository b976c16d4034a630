import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { BodySource } from '../http/body.js';
import type { DownstreamExchange } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import { createHttp1ServerConnection, type Http1ServerOptions } from './http1-server-connection.js';
import type { Http1Timers } from './http1-timers.js';

const INFO = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2, destinationAddress: '127.0.0.1', destinationPort: 2, tls: false };

function collect(body: BodySource): Promise<{ data: Buffer; trailers: HeaderMap | undefined }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    body.pipe({ write: (c) => (parts.push(Buffer.from(c)), true), onceDrain: (fn) => fn(), end: (trailers) => resolve({ data: Buffer.concat(parts), trailers }), abort: reject });
  });
}

/** Echoes method, path and request body; `x-chunked` responds without content-length. */
function echo(ex: DownstreamExchange): void {
  void collect(ex.body).then(({ data }) => {
    const text = Buffer.from(`${ex.head.method} ${ex.head.path} ${data.toString()}`);
    const headers = new HeaderMap(ex.head.headers.has('x-chunked') ? [] : ['content-length', String(text.length)]);
    const sink = ex.respond({ status: 200, reason: '', headers }, false);
    sink.write(text);
    sink.end();
  }, () => undefined);
}

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) s.close();
});

async function serve(onExchange: (ex: DownstreamExchange) => void, extra: Partial<Http1ServerOptions> = {}): Promise<number> {
  const server = net.createServer((socket) => createHttp1ServerConnection(socket, INFO, { onExchange, ...extra }));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Connects, sends `data`, and resolves with everything read until the server closes or `until` holds. */
async function exchange(port: number, data: string | Buffer, until?: (text: string) => boolean): Promise<{ text: string; closed: boolean; socket: net.Socket }> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.write(data);
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (c) => {
      text += c.toString('latin1');
      if (until?.(text)) resolve({ text, closed: false, socket });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, closed: true, socket }));
  });
}

const count = (text: string, s: string) => text.split(s).length - 1;

describe('createHttp1ServerConnection', () => {
  it('Should answer pipelined requests in order on one connection', async () => {
    const port = await serve(echo);
    const reqs = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: a\r\n\r\n';
    const { text, closed } = await exchange(port, reqs, (t) => count(t, 'HTTP/1.1 200 OK') === 3 && t.endsWith('GET /3 '));
    assert.equal(closed, false);
    assert.ok(text.indexOf('GET /1 ') < text.indexOf('POST /2 abc'));
    assert.ok(text.indexOf('POST /2 abc') < text.indexOf('GET /3 '));
  });

  it('Should serve a second request on a socket a sniffer paused after reading the first', { timeout: 5000 }, async () => {
    const server = net.createServer((socket) => {
      socket.once('data', (first: Buffer) => {
        socket.pause();
        createHttp1ServerConnection(socket, INFO, { onExchange: echo, initialData: first });
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const first = await exchange(port, 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.endsWith('GET /1 '));
    let text = '';
    const second = new Promise<string>((resolve) => first.socket.on('data', (c) => {
      text += c.toString('latin1');
      if (text.endsWith('GET /2 ')) resolve(text);
    }));
    first.socket.write('GET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.match(await second, /^HTTP\/1\.1 200 OK\r\n/);
  });

  it('Should close after the response when the request says Connection: close', async () => {
    const port = await serve(echo);
    const { text, closed } = await exchange(port, 'GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.equal(closed, true);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /connection: close\r\n/);
    assert.ok(text.endsWith('GET /x '));
  });

  it('Should close an HTTP/1.0 connection unless it asks for keep-alive', async () => {
    const port = await serve(echo);
    const a = await exchange(port, 'GET /a HTTP/1.0\r\n\r\n');
    assert.equal(a.closed, true);
    assert.match(a.text, /^HTTP\/1\.0 200 OK\r\n/);
    const b = await exchange(port, 'GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', (t) => t.endsWith('GET /b '));
    assert.equal(b.closed, false);
    assert.match(b.text, /connection: keep-alive\r\n/);
  });

  it('Should close-delimit a streamed HTTP/1.0 response and chunk an HTTP/1.1 one', async () => {
    const port = await serve(echo);
    const a = await exchange(port, 'GET /a HTTP/1.0\r\nX-Chunked: 1\r\nConnection: keep-alive\r\n\r\n');
    assert.equal(a.closed, true);
    assert.doesNotMatch(a.text, /transfer-encoding/);
    const b = await exchange(port, 'GET /b HTTP/1.1\r\nHost: a\r\nX-Chunked: 1\r\n\r\n', (t) => t.endsWith('0\r\n\r\n'));
    assert.match(b.text, /transfer-encoding: chunked\r\n\r\n7\r\nGET \/b \r\n0\r\n\r\n$/);
  });

  it('Should decode a chunked request body with trailers', async () => {
    let trailers: HeaderMap | undefined;
    const port = await serve((ex) => {
      void collect(ex.body).then((r) => {
        trailers = r.trailers;
        ex.respond({ status: 200, reason: '', headers: new HeaderMap(['x-got', r.data.toString()]) }, true);
      });
    });
    const { text } = await exchange(port, 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 9\r\n\r\n', (t) => t.endsWith('\r\n\r\n'));
    assert.match(text, /x-got: abcde\r\ncontent-length: 0\r\n/);
    assert.equal(trailers?.get('x-t'), '9');
  });

  it('Should send 100 Continue when the body is first piped', async () => {
    const port = await serve((ex) => setImmediate(() => echo(ex)));
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    let text = '';
    socket.on('data', (c) => {
      text += c.toString('latin1');
      if (text === 'HTTP/1.1 100 Continue\r\n\r\n') socket.write('hello');
    });
    socket.write('PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
    await new Promise<void>((resolve) => socket.on('data', () => text.endsWith('PUT /up hello') && resolve()));
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  const bad: [string, string, number][] = [
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400],
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc', 400],
    ['an invalid chunk size', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n', 400],
    ['a head over the size limit', `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(2000)}\r\n\r\n`, 431],
  ];
  for (const [name, data, status] of bad) {
    it(`Should answer ${name} with ${status} and close`, async () => {
      const port = await serve(echo, { maxHeadBytes: 1024 });
      const { text, closed } = await exchange(port, data);
      assert.equal(closed, true);
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} [^\\r]+\\r\\ncontent-length: 0\\r\\nconnection: close\\r\\n\\r\\n$`));
    });
  }

  it('Should answer 408 to a client that does not finish its head in time', async () => {
    const fired: (() => void)[] = [];
    const timers: Http1Timers = { setTimeout: (fn, ms) => (ms === 50 ? fired.push(fn) : undefined), clearTimeout: () => undefined };
    const port = await serve(echo, { headersTimeoutMs: 50, timers });
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    let text = '';
    socket.on('data', (c) => (text += c.toString('latin1')));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write('GET / HTTP/1.1\r\nHost: a\r\n');
    for (let i = 0; i < 100 && fired.length === 0; i++) await new Promise((r) => setImmediate(r));
    assert.equal(fired.length, 1);
    fired[0]!();
    await closed;
    assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('Should hand over the socket with buffered bytes after a 101 response', async () => {
    const port = await serve((ex) => {
      ex.respond({ status: 101, reason: '', headers: new HeaderMap(['upgrade', 'echo']) }, true);
      const raw = ex.upgrade!();
      raw.on('data', (c: Buffer) => raw.write(Buffer.from(c.toString().toUpperCase())));
      raw.resume();
    });
    const { text } = await exchange(port, 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly', (t) => t.endsWith('EARLY'));
    assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\nupgrade: echo\r\nconnection: upgrade\r\n\r\nEARLY$/);
  });

  it('Should fire onAbort when the downstream disconnects mid-request', async () => {
    let aborted: Error | undefined;
    const gotAbort = new Promise<void>((resolve) => {
      void serve((ex) => ex.onAbort((err) => ((aborted = err), resolve()))).then((port) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc');
          setImmediate(() => s.destroy());
        });
        s.on('error', () => undefined);
      });
    });
    await gotAbort;
    assert.ok(aborted instanceof Error);
  });
});
