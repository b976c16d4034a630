import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import net from 'node:net';
import { startPassthrough } from './fixture-passthrough.js';

const CHUNK = Buffer.alloc(64 * 1024, 7);
const TOTAL_CHUNKS = 128; // 8 MiB

test('Should stream a large request body with bounded buffering while the upstream does not read', async () => {
  let upstreamStream: http2.ServerHttp2Stream | undefined;
  const upstream = http2.createServer();
  const received = new Promise<{ bytes: number; digest: string }>((resolve) => {
    upstream.on('stream', (stream) => {
      upstreamStream = stream;
      stream.pause();
      const hash = createHash('sha256');
      let bytes = 0;
      stream.on('data', (b: Buffer) => {
        bytes += b.length;
        hash.update(b);
      });
      stream.on('end', () => {
        stream.respond({ ':status': 200 });
        stream.end(String(bytes));
        resolve({ bytes, digest: hash.digest('hex') });
      });
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const proxy = await startPassthrough({ port: (upstream.address() as net.AddressInfo).port, connectTimeoutMs: 2000 });

  const client = http2.connect(`http://127.0.0.1:${proxy.port}`);
  const req = client.request({ ':method': 'POST', ':path': '/upload' });
  const expected = createHash('sha256');
  let flushed = 0;
  let sent = 0;
  const writeMore = (): void => {
    while (sent < TOTAL_CHUNKS) {
      sent++;
      expected.update(CHUNK);
      const more = req.write(CHUNK, () => (flushed += CHUNK.length));
      if (!more) return void req.once('drain', writeMore);
    }
    req.end();
  };
  writeMore();
  // The upstream reads nothing yet: flow control must hold the client back.
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(upstreamStream !== undefined);
  assert.ok(flushed < 2 * 1024 * 1024, `client flushed ${flushed} bytes while the upstream read none`);
  upstreamStream.resume();
  const result = await received;
  assert.equal(result.bytes, CHUNK.length * TOTAL_CHUNKS);
  assert.equal(result.digest, expected.digest('hex'));
  const text = await new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (d: Buffer) => (data += d.toString()));
    req.on('end', () => resolve(data));
  });
  assert.equal(text, String(CHUNK.length * TOTAL_CHUNKS));
  client.close();
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

test('Should stream a large response body intact to a client that reads slowly', async () => {
  const upstream = http2.createServer();
  const expected = createHash('sha256');
  for (let i = 0; i < TOTAL_CHUNKS; i++) expected.update(CHUNK);
  upstream.on('stream', (stream) => {
    stream.respond({ ':status': 200 });
    let i = 0;
    const pump = (): void => {
      while (i < TOTAL_CHUNKS) {
        i++;
        if (!stream.write(CHUNK)) return void stream.once('drain', pump);
      }
      stream.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const proxy = await startPassthrough({ port: (upstream.address() as net.AddressInfo).port, connectTimeoutMs: 2000 });
  const client = http2.connect(`http://127.0.0.1:${proxy.port}`);
  const req = client.request({ ':path': '/download' });
  const hash = createHash('sha256');
  let bytes = 0;
  await new Promise<void>((resolve) => {
    req.on('data', (b: Buffer) => {
      bytes += b.length;
      hash.update(b);
      if (bytes % (1024 * 1024) < b.length) {
        req.pause();
        setTimeout(() => req.resume(), 5);
      }
    });
    req.on('end', () => resolve());
  });
  assert.equal(bytes, CHUNK.length * TOTAL_CHUNKS);
  assert.equal(hash.digest('hex'), expected.digest('hex'));
  client.close();
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

test('Should answer 503 when the upstream refuses connections, and keep serving', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const proxy = await startPassthrough({ port, connectTimeoutMs: 2000 });
  const client = http2.connect(`http://127.0.0.1:${proxy.port}`);
  for (let i = 0; i < 2; i++) {
    const req = client.request({ ':path': '/' });
    req.resume();
    const status = await new Promise<number>((resolve) => req.on('response', (h) => resolve(Number(h[':status']))));
    assert.equal(status, 503);
  }
  assert.deepEqual(proxy.errors.map((e) => e.failure), ['connect_failure', 'connect_failure']);
  client.close();
  await proxy.close();
});
