import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import tls from 'node:tls';
import { parseClientHello } from './tls-client-hello.js';

/** The first bytes a real `tls.connect` sends to a server that records them and never answers. */
async function captureClientHello(options: tls.ConnectionOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      if (all.length >= 5 && all.length >= 5 + all.readUInt16BE(3)) socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const client = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
  await new Promise<void>((resolve) => client.once('close', () => resolve()).once('error', () => undefined));
  server.close();
  return Buffer.concat(chunks);
}

test('Should read SNI and ALPN from a real ClientHello', async () => {
  const hello = await captureClientHello({ servername: 'reviews.default.svc.cluster.local', ALPNProtocols: ['istio-http/1.1', 'istio', 'h2'] });
  assert.deepEqual(parseClientHello(hello), { serverName: 'reviews.default.svc.cluster.local', alpn: ['istio-http/1.1', 'istio', 'h2'] });
});

test('Should report no server name and no ALPN when the client sends neither', async () => {
  const hello = await captureClientHello({ servername: '' });
  assert.deepEqual(parseClientHello(hello), { alpn: [] });
});

test('Should ask for more bytes for every prefix of a ClientHello', async () => {
  const hello = await captureClientHello({ servername: 'a.example.com', ALPNProtocols: ['h2'] });
  for (let n = 0; n < hello.length; n++) assert.equal(parseClientHello(hello.subarray(0, n)), 'need_more', `prefix of ${n} bytes`);
});

test('Should reassemble a ClientHello split over two handshake records', async () => {
  const hello = await captureClientHello({ servername: 'split.example.com', ALPNProtocols: ['http/1.1'] });
  const body = hello.subarray(5);
  const record = (part: Buffer) => Buffer.concat([Buffer.from([0x16, 3, 1, part.length >> 8, part.length & 0xff]), part]);
  const split = Buffer.concat([record(body.subarray(0, 40)), record(body.subarray(40))]);
  assert.equal(parseClientHello(split.subarray(0, 50)), 'need_more');
  assert.deepEqual(parseClientHello(split), { serverName: 'split.example.com', alpn: ['http/1.1'] });
});

test('Should say not TLS for plaintext HTTP and garbage', () => {
  assert.equal(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')), 'not_tls');
  assert.equal(parseClientHello(Buffer.from([0x16, 9])), 'not_tls');
  assert.equal(parseClientHello(Buffer.from([0x16, 3, 1, 0, 10, 2])), 'not_tls', 'a ServerHello, not a ClientHello');
  assert.equal(parseClientHello(Buffer.from([0x16, 3, 1, 0, 6, 1, 0, 0, 2, 3, 3])), 'not_tls', 'a ClientHello too short for its fields');
});
