import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import type { BodySource } from '../http/body.js';
import type { UpstreamClient, UpstreamError } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import { createHttp2Client } from './client.js';
import { CollectingSink, FakeTimers } from './fixture-doubles.js';

function get(path: string, headers: string[] = []): RequestHead {
  return { method: 'GET', path, authority: 'upstream', scheme: 'http', protocol: 'HTTP/2', headers: new HeaderMap(headers) };
}

interface Outcome {
  head?: ResponseHead;
  body?: BodySource;
  sink: CollectingSink;
  error?: UpstreamError;
}

/** Sends one request with an empty body and collects the whole response, or the error. */
function send(client: UpstreamClient, head: RequestHead, body?: Buffer): { outcome: Promise<Outcome>; cancel: () => void } {
  const sink = new CollectingSink();
  let cancel = () => {};
  const outcome = new Promise<Outcome>((resolve) => {
    const req = client.request(head, {
      onResponse(h, b) {
        b.pipe(sink);
        void sink.done.then(() => resolve({ head: h, body: b, sink }));
      },
      onError(error) {
        // An error after the response arrives while the body is collected; keep the first outcome.
        resolve({ sink, error });
      },
    });
    if (body !== undefined) req.body.write(body);
    req.body.end();
    cancel = () => req.cancel();
  });
  return { outcome, cancel };
}

async function listen(server: http2.Http2Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function closeServer(server: http2.Http2Server | net.Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

test('Should multiplex concurrent requests as streams on one connection', async () => {
  const server = http2.createServer();
  let sessions = 0;
  server.on('session', () => sessions++);
  const held: http2.ServerHttp2Stream[] = [];
  server.on('stream', (stream, headers) => {
    held.push(stream);
    if (held.length < 10) return;
    for (const s of held) {
      s.respond({ ':status': 200, 'x-path': String(headers[':path']) });
      s.end(`ok`);
    }
  });
  const port = await listen(server);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const calls = Array.from({ length: 10 }, (_, i) => send(client, get(`/r${i}`)).outcome);
  assert.equal(client.pending + client.active, 10);
  const results = await Promise.all(calls);
  for (const r of results) {
    assert.equal(r.head?.status, 200);
    assert.equal(r.sink.text, 'ok');
  }
  assert.equal(sessions, 1);
  assert.equal(client.connections, 1);
  // A stream's close follows the end of its body by a tick or two.
  for (let i = 0; i < 100 && client.active > 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(client.active, 0);
  assert.equal(client.pending, 0);
  client.close();
  await closeServer(server);
});

test('Should open a second connection when the first is at the peer’s stream limit', async () => {
  const server = http2.createServer({ settings: { maxConcurrentStreams: 1 } });
  let sessions = 0;
  server.on('session', () => sessions++);
  const held: http2.ServerHttp2Stream[] = [];
  server.on('stream', (stream) => {
    held.push(stream);
    if (held.length < 2) return;
    for (const s of held) {
      s.respond({ ':status': 200 });
      s.end('x');
    }
  });
  const port = await listen(server);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const results = await Promise.all([send(client, get('/a')).outcome, send(client, get('/b')).outcome]);
  assert.deepEqual(results.map((r) => r.head?.status), [200, 200]);
  assert.equal(sessions, 2);
  assert.equal(client.connections, 2);
  client.close();
  await closeServer(server);
});

test('Should report REFUSED_STREAM as refused_stream and other resets before the response as reset_before_response', async () => {
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    stream.close(headers[':path'] === '/refuse' ? http2.constants.NGHTTP2_REFUSED_STREAM : http2.constants.NGHTTP2_INTERNAL_ERROR);
  });
  const port = await listen(server);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const refused = await send(client, get('/refuse')).outcome;
  assert.equal(refused.error?.failure, 'refused_stream');
  const reset = await send(client, get('/reset')).outcome;
  assert.equal(reset.error?.failure, 'reset_before_response');
  assert.equal(client.active, 0);
  client.close();
  await closeServer(server);
});

test('Should report a reset during the response as reset_after_response and abort the body', async () => {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.on('error', () => {});
    stream.respond({ ':status': 200 });
    // destroy() sends RST_STREAM alone; close(code) would end the stream cleanly first.
    stream.write('partial', () => setImmediate(() => stream.destroy(new Error('upstream breaks off'))));
  });
  const port = await listen(server);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const sink = new CollectingSink();
  const error = await new Promise<UpstreamError>((resolve) => {
    client.request(get('/'), { onResponse: (_h, b) => b.pipe(sink), onError: resolve }).body.end();
  });
  await sink.done;
  assert.equal(error.failure, 'reset_after_response');
  assert.ok(sink.aborted);
  client.close();
  await closeServer(server);
});

test('Should hand over a trailers-only response as an empty body with the status in the head', async () => {
  const server = http2.createServer();
  server.on('stream', (stream) => stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '5', 'grpc-message': 'missing' }, { endStream: true }));
  const port = await listen(server);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const r = await send(client, get('/svc/M')).outcome;
  assert.equal(r.body?.empty, true);
  assert.equal(r.head?.headers.get('grpc-status'), '5');
  assert.equal(r.head?.headers.get('grpc-message'), 'missing');
  client.close();
  await closeServer(server);
});

test('Should send request trailers and deliver response trailers to the sink', async () => {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    const parts: Buffer[] = [];
    let reqTrailer = '';
    stream.on('trailers', (t) => (reqTrailer = String(t['x-req-trailer'])));
    stream.on('data', (b: Buffer) => parts.push(b));
    stream.on('end', () => {
      stream.respond({ ':status': 200 }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'x-got': `${Buffer.concat(parts).toString()}|${reqTrailer}` }));
      stream.end('body');
    });
  });
  const port = await listen(server);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const sink = new CollectingSink();
  const req = client.request({ ...get('/'), method: 'POST' }, { onResponse: (_h, b) => b.pipe(sink), onError: (e) => assert.fail(e) });
  req.body.write(Buffer.from('hello'));
  req.body.end(new HeaderMap(['x-req-trailer', 'tv']));
  await sink.done;
  assert.equal(sink.text, 'body');
  assert.equal(sink.trailers?.get('grpc-status'), '0');
  assert.equal(sink.trailers?.get('x-got'), 'hello|tv');
  client.close();
  await closeServer(server);
});

test('Should fail waiting requests with connect_failure when the connection is refused', async () => {
  const probe = net.createServer();
  const port = await listen(probe);
  await closeServer(probe);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const [a, b] = await Promise.all([send(client, get('/a')).outcome, send(client, get('/b')).outcome]);
  assert.equal(a.error?.failure, 'connect_failure');
  assert.equal(b.error?.failure, 'connect_failure');
  assert.equal(client.pending, 0);
  assert.equal(client.connections, 0);
});

test('Should fail with connect_timeout when the peer never completes the HTTP/2 handshake', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => sockets.push(s));
  const port = await listen(silent);
  const timers = new FakeTimers();
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 1234, timers });
  const pending = send(client, get('/')).outcome;
  assert.equal(client.pending, 1);
  assert.equal(timers.fire(1234), 1);
  const r = await pending;
  assert.equal(r.error?.failure, 'connect_timeout');
  assert.equal(client.pending, 0);
  for (const s of sockets) s.destroy();
  await closeServer(silent);
});

test('Should move new requests to a new connection after a GOAWAY, and finish the ones in flight', async () => {
  const server = http2.createServer();
  const sessions: http2.ServerHttp2Session[] = [];
  server.on('session', (s) => sessions.push(s));
  let first: http2.ServerHttp2Stream | undefined;
  server.on('stream', (stream) => {
    if (first === undefined) {
      first = stream;
      stream.session!.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id);
      return;
    }
    stream.respond({ ':status': 200 });
    stream.end('second');
    first.respond({ ':status': 200 });
    first.end('first');
  });
  const port = await listen(server);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const a = send(client, get('/a')).outcome;
  // The second request goes out once the first connection has been told to go away.
  for (let i = 0; i < 500 && first === undefined; i++) await new Promise((r) => setTimeout(r, 2));
  await new Promise((r) => setTimeout(r, 20));
  let rb = await send(client, get('/b')).outcome;
  // Sent before the GOAWAY arrived, it is refused as unprocessed, which a router retries.
  if (rb.error?.failure === 'refused_stream') rb = await send(client, get('/b')).outcome;
  const ra = await a;
  assert.equal(ra.sink.text, 'first');
  assert.equal(rb.sink.text, 'second');
  assert.equal(sessions.length, 2);
  client.close();
  await closeServer(server);
});

test('Should close an idle connection when its idle timer fires', async () => {
  const server = http2.createServer();
  let closed = 0;
  server.on('session', (s) => s.on('close', () => closed++));
  server.on('stream', (stream) => {
    stream.respond({ ':status': 204 }, { endStream: true });
  });
  const port = await listen(server);
  const timers = new FakeTimers();
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000, idleTimeoutMs: 5000, timers });
  const r = await send(client, get('/')).outcome;
  assert.equal(r.head?.status, 204);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(client.connections, 1);
  assert.equal(timers.fire(5000), 1);
  for (let i = 0; i < 100 && closed === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(closed, 1);
  assert.equal(client.connections, 0);
  await closeServer(server);
});

test('Should cancel a request in flight with RST_STREAM CANCEL, not END_STREAM, and call back no more', { timeout: 10_000 }, async () => {
  const server = http2.createServer();
  let endedCleanly = false;
  let arrived = false;
  const seen = new Promise<number>((resolve) =>
    server.on('stream', (stream) => {
      arrived = true;
      stream.on('error', () => {});
      stream.on('end', () => (endedCleanly = stream.rstCode === undefined));
      stream.resume();
      stream.on('close', () => resolve(stream.rstCode));
    }),
  );
  const port = await listen(server);
  const client = createHttp2Client({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  const req = client.request(get('/'), { onResponse: () => assert.fail('no response expected'), onError: (e) => assert.fail(e) });
  req.body.write(Buffer.from('x'));
  for (let i = 0; i < 500 && !arrived; i++) await new Promise((r) => setTimeout(r, 2));
  req.cancel();
  assert.equal(await seen, http2.constants.NGHTTP2_CANCEL);
  assert.equal(endedCleanly, false);
  assert.equal(client.active, 0);
  client.close();
  await closeServer(server);
});
