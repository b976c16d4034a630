import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import type { DownstreamExchange } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import { createHttp2ServerSession, type Http2ServerOptions, type Http2ServerSession } from './server-session.js';
import { CollectingSink, FakeTimers } from './fixture-doubles.js';
import { resetStream } from './stream-reset.js';

const INFO = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2, destinationAddress: '127.0.0.1', destinationPort: 2, tls: false };

/** A loopback listener handing each socket to the server codec. */
async function serve(options: Partial<Http2ServerOptions> & Pick<Http2ServerOptions, 'onExchange'>) {
  const sessions: Http2ServerSession[] = [];
  const listener = net.createServer((socket) => sessions.push(createHttp2ServerSession(socket, INFO, options)));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as net.AddressInfo).port;
  return {
    port,
    sessions,
    async close() {
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

test('Should turn a stream into an exchange with the head, body, response and trailers', async () => {
  let seen: DownstreamExchange | undefined;
  const body = new CollectingSink();
  const srv = await serve({
    onExchange(exchange) {
      seen = exchange;
      exchange.body.pipe(body);
      void body.done.then(() => {
        const sink = exchange.respond({ status: 201, reason: '', headers: new HeaderMap(['x-echo', body.text]) }, false);
        sink.write(Buffer.from('made'));
        sink.end(new HeaderMap(['grpc-status', '0', 'x-req-trailer', body.trailers?.get('x-t') ?? '']));
      });
    },
  });
  const client = http2.connect(`http://127.0.0.1:${srv.port}`);
  const req = client.request({ ':method': 'POST', ':path': '/p?q=1', 'x-a': ['1', '2'], cookie: ['a=1', 'b=2'], 'content-length': '5' }, { waitForTrailers: true });
  req.on('wantTrailers', () => req.sendTrailers({ 'x-t': 'tv' }));
  req.end('hello');
  const [status, echo, text, trailers] = await new Promise<[number, string, string, http2.IncomingHttpHeaders]>((resolve) => {
    let head: http2.IncomingHttpHeaders = {};
    let data = '';
    req.on('response', (h) => (head = h));
    req.on('data', (d: Buffer) => (data += d.toString()));
    req.on('trailers', (t) => resolve([Number(head[':status']), String(head['x-echo']), data, t]));
  });
  assert.equal(status, 201);
  assert.equal(echo, 'hello');
  assert.equal(text, 'made');
  assert.equal(trailers['grpc-status'], '0');
  assert.equal(trailers['x-req-trailer'], 'tv');
  assert.equal(seen?.head.method, 'POST');
  assert.equal(seen?.head.path, '/p?q=1');
  assert.equal(seen?.head.authority, `127.0.0.1:${srv.port}`);
  assert.equal(seen?.head.protocol, 'HTTP/2');
  assert.deepEqual(seen?.head.headers.getAll('x-a'), ['1', '2']);
  assert.deepEqual(seen?.head.headers.getAll('cookie'), ['a=1; b=2']);
  assert.equal(seen?.body.length, 5);
  assert.ok((seen?.headBytes ?? 0) > 0);
  client.close();
  await srv.close();
});

test('Should send a trailers-only response when respond ends the stream', async () => {
  const srv = await serve({
    onExchange(exchange) {
      exchange.body.discard();
      exchange.respond({ status: 200, reason: '', headers: new HeaderMap(['grpc-status', '12']) }, true);
    },
  });
  const client = http2.connect(`http://127.0.0.1:${srv.port}`);
  const req = client.request({ ':path': '/' });
  const [headers, flags] = await new Promise<[http2.IncomingHttpHeaders, number]>((resolve) => req.on('response', (h, f) => resolve([h, f])));
  assert.equal(headers['grpc-status'], '12');
  assert.ok(flags & http2.constants.NGHTTP2_FLAG_END_STREAM);
  client.close();
  await srv.close();
});

test('Should tell the exchange when the client resets the stream, and fail its request body', async () => {
  let resolveAbort!: (err: Error) => void;
  const aborted = new Promise<Error>((resolve) => (resolveAbort = resolve));
  const body = new CollectingSink();
  let resolveSeen!: () => void;
  const seen = new Promise<void>((resolve) => (resolveSeen = resolve));
  const srv = await serve({
    onExchange(exchange) {
      exchange.onAbort(resolveAbort);
      exchange.body.pipe(body);
      resolveSeen();
    },
  });
  const client = http2.connect(`http://127.0.0.1:${srv.port}`);
  const req = client.request({ ':method': 'POST', ':path': '/' });
  req.on('error', () => {});
  req.write('part');
  // node's own close(CANCEL) would send END_STREAM first; resetStream sends RST_STREAM alone.
  await seen;
  resetStream(req, 'cancel');
  const err = await aborted;
  await body.done;
  assert.match(err.message, /code 8/);
  assert.ok(body.aborted);
  client.close();
  await srv.close();
});

test('Should reset the stream without ending it cleanly when the exchange is reset mid-response', async () => {
  const srv = await serve({
    onExchange(exchange) {
      exchange.body.discard();
      const sink = exchange.respond({ status: 200, reason: '', headers: new HeaderMap() }, false);
      sink.write(Buffer.from('partial'));
      setTimeout(() => exchange.reset(), 10);
    },
  });
  const client = http2.connect(`http://127.0.0.1:${srv.port}`);
  const req = client.request({ ':path': '/' });
  req.on('error', () => {});
  let cleanEnd = false;
  req.on('end', () => (cleanEnd = req.rstCode === undefined));
  req.resume();
  await new Promise<void>((resolve) => req.on('close', () => resolve()));
  assert.equal(req.rstCode, http2.constants.NGHTTP2_INTERNAL_ERROR);
  assert.equal(cleanEnd, false);
  client.close();
  await srv.close();
});

test('Should close the connection with GOAWAY once idle for the idle timeout', async () => {
  const timers = new FakeTimers();
  const srv = await serve({
    idleTimeoutMs: 7000,
    timers,
    onExchange(exchange) {
      exchange.body.discard();
      exchange.respond({ status: 204, reason: '', headers: new HeaderMap() }, true);
    },
  });
  const client = http2.connect(`http://127.0.0.1:${srv.port}`);
  const goaway = new Promise<void>((resolve) => client.on('goaway', () => resolve()));
  const req = client.request({ ':path': '/' });
  req.resume();
  await new Promise<void>((resolve) => req.on('close', () => resolve()));
  for (let i = 0; i < 100 && srv.sessions[0]?.activeStreams !== 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(srv.sessions[0]?.activeStreams, 0);
  assert.equal(timers.fire(7000), 1);
  await goaway;
  client.close();
  await srv.close();
});

test('Should announce the configured stream limit and refuse streams beyond it', async () => {
  const held: DownstreamExchange[] = [];
  const srv = await serve({ maxConcurrentStreams: 1, onExchange: (exchange) => held.push(exchange) });
  const client = http2.connect(`http://127.0.0.1:${srv.port}`, { peerMaxConcurrentStreams: 100 });
  const settings = await new Promise<http2.Settings>((resolve) => client.once('remoteSettings', resolve));
  assert.equal(settings.maxConcurrentStreams, 1);
  client.request({ ':path': '/1' }).on('error', () => {});
  for (let i = 0; i < 100 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
  assert.equal(held.length, 1);
  assert.equal(srv.sessions[0]?.activeStreams, 1);
  client.close();
  await srv.close();
});
