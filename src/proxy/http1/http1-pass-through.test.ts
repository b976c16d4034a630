import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { createHttp1Client } from './http1-client.js';
import { createHttp1ServerConnection } from './http1-server-connection.js';
import { createTestForwarder } from './http1-test-forwarder.js';
import type { UpstreamClient } from '../http/exchange.js';

const INFO = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2, destinationAddress: '127.0.0.1', destinationPort: 2, tls: false };
const BIG = 50 * 1024 * 1024;
const BLOCK = Buffer.alloc(64 * 1024, 0x61);

let upstream: http.Server;
let proxy: net.Server;
let client: UpstreamClient;
let proxyPort = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Reads a request body, pausing 150 ms first so that the senders must hold back. */
function slowSum(req: http.IncomingMessage): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    req.pause();
    setTimeout(() => req.resume(), 150);
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => resolve(n));
  });
}

function writeBig(out: NodeJS.WritableStream & { write(b: Buffer): boolean }, done: () => void): void {
  let left = BIG / BLOCK.length;
  const pump = (): void => {
    while (left > 0) {
      left--;
      if (!out.write(BLOCK)) return void out.once('drain', pump);
    }
    done();
  };
  pump();
}

/**
 * Runs `work` while recording the most bytes queued in user space on the proxy's sockets that
 * `pick` selects: ignoring backpressure would queue most of the 50 MB there.
 */
async function peakQueued<T>(pick: (s: net.Socket) => boolean, work: () => Promise<T>): Promise<{ value: T; queued: number }> {
  const original = net.Socket.prototype.write;
  let queued = 0;
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    const ok = (original as (...a: unknown[]) => boolean).apply(this, args);
    if (pick(this)) queued = Math.max(queued, this.writableLength);
    return ok;
  } as typeof original;
  try {
    return { value: await work(), queued };
  } finally {
    net.Socket.prototype.write = original;
  }
}

before(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url === '/big-download') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      writeBig(res, () => res.end());
      return;
    }
    void slowSum(req).then((n) => {
      res.setHeader('x-method', req.method!);
      res.setHeader('x-te', String(req.headers['transfer-encoding']));
      res.end(`${req.method} ${req.url} host=${req.headers.host} bytes=${n}`);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  client = createHttp1Client({ host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port, connectTimeoutMs: 1000 });
  const forward = createTestForwarder(client);
  proxy = net.createServer((s) => createHttp1ServerConnection(s, INFO, { onExchange: forward }));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as net.AddressInfo).port;
});

after(() => {
  agent.destroy();
  client.close();
  proxy.close();
  upstream.closeAllConnections();
  upstream.close();
});

function call(method: string, path: string, body?: Buffer | 'big'): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method, path, agent, headers: { host: 'svc.test' } }, (res) => {
      let bytes = 0;
      const parts: Buffer[] = [];
      let paused = path === '/big-download';
      if (paused) {
        res.pause();
        setTimeout(() => ((paused = false), res.resume()), 150);
      }
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= 4096) parts.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(parts).toString(), bytes }));
    });
    req.on('error', reject);
    if (body === 'big') writeBig(req, () => req.end());
    else req.end(body);
  });
}

describe('HTTP/1.1 pass-through (server codec → client codec)', () => {
  it('Should forward requests and responses between node:http peers', async () => {
    const a = await call('GET', '/a?x=1');
    assert.equal(a.status, 200);
    assert.equal(a.text, 'GET /a?x=1 host=svc.test bytes=0');
    const b = await call('POST', '/b', Buffer.from('hello'));
    assert.equal(b.text, 'POST /b host=svc.test bytes=5');
    assert.equal(b.headers['x-te'], 'undefined');
  });

  it('Should forward a request from curl with a chunked body', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('curl', ['-sS', '-H', 'Transfer-Encoding: chunked', '--data-binary', 'abcdef', `http://127.0.0.1:${proxyPort}/curl`], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    assert.equal(out, 'POST /curl host=127.0.0.1:' + proxyPort + ' bytes=6');
  });

  it('Should stream a 50 MB upload with bounded memory', async () => {
    const upstreamPort = (upstream.address() as net.AddressInfo).port;
    const { value, queued } = await peakQueued((s) => s.remotePort === upstreamPort, () => call('PUT', '/big-upload', 'big'));
    assert.equal(value.text, `PUT /big-upload host=svc.test bytes=${BIG}`);
    assert.equal(value.headers['x-te'], 'chunked');
    assert.ok(queued > 0 && queued < 1024 * 1024, `${queued} bytes queued towards the upstream`);
  });

  it('Should stream a 50 MB download to a slow reader with bounded memory', async () => {
    const { value, queued } = await peakQueued((s) => s.localPort === proxyPort, () => call('GET', '/big-download'));
    assert.equal(value.status, 200);
    assert.equal(value.bytes, BIG);
    assert.ok(queued > 0 && queued < 1024 * 1024, `${queued} bytes queued towards the client`);
  });
});
