import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import type { ConnectionInfo } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import { Http1BodyReader, type BodyReaderOwner } from './http1-body-reader.js';
import { parseRequestHead } from './http1-head-parser.js';
import { Http1ServerExchange, type ExchangeHost } from './http1-server-exchange.js';

const CONN: ConnectionInfo = { remoteAddress: '127.0.0.1', remotePort: 40000, localAddress: '127.0.0.1', localPort: 8080, destinationAddress: '127.0.0.1', destinationPort: 8080, tls: false };
const OWNER: BodyReaderOwner = { pauseReading: () => undefined, resumeReading: () => undefined, onBodyPiped: () => undefined, onBodyComplete: () => undefined };

/** An exchange over a fake socket that records each write (what one syscall would carry) and cork state. */
function exchangeFor(request: string) {
  const writes: string[] = [];
  let corked = 0;
  let pendingCorked = '';
  const socket = {
    write(data: string | Buffer, encoding?: BufferEncoding) {
      const text = typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8').toString('latin1') : data.toString('latin1');
      if (corked > 0) pendingCorked += text;
      else writes.push(text);
      return true;
    },
    cork() {
      corked++;
    },
    uncork() {
      if (--corked === 0 && pendingCorked !== '') {
        writes.push(pendingCorked);
        pendingCorked = '';
      }
    },
  };
  let completed = 0;
  const host: ExchangeHost = {
    socket: socket as unknown as Duplex,
    onResponseComplete: () => void completed++,
    canKeepAlive: () => true,
    detach: () => socket as unknown as Duplex,
    destroy: () => undefined,
  };
  const parsed = parseRequestHead(request, 'http', 100);
  assert.ok(parsed.ok);
  const ex = new Http1ServerExchange(host, parsed.value, new Http1BodyReader(OWNER, 'none', 0, 1024), CONN, request.length + 4);
  return { ex, writes, completed: () => completed };
}

const tick = (): Promise<void> => new Promise((r) => process.nextTick(r));

describe('Http1ServerExchange response writes', () => {
  it('Should send the head and a small Content-Length body in one write', async () => {
    const { ex, writes, completed } = exchangeFor('GET / HTTP/1.1\r\nHost: a');
    const sink = ex.respond({ status: 200, reason: '', headers: new HeaderMap(['content-length', '5']) }, false);
    sink.write(Buffer.from('hello'));
    sink.end();
    await tick();
    assert.deepEqual(writes, ['HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello']);
    assert.equal(completed(), 1);
  });

  it('Should send the head on its own at the next tick when the body is not there yet', async () => {
    const { ex, writes } = exchangeFor('GET / HTTP/1.1\r\nHost: a');
    const sink = ex.respond({ status: 200, reason: '', headers: new HeaderMap(['content-length', '5']) }, false);
    assert.deepEqual(writes, [], 'held within the turn');
    await tick();
    assert.deepEqual(writes, ['HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n']);
    sink.write(Buffer.from('hello'));
    sink.end();
    assert.deepEqual(writes.slice(1), ['hello']);
  });

  it('Should send a large first chunk with the head in one corked write, as bytes unchanged', async () => {
    const { ex, writes } = exchangeFor('GET / HTTP/1.1\r\nHost: a');
    const body = Buffer.alloc(10_000, 0xe9);
    const sink = ex.respond({ status: 200, reason: '', headers: new HeaderMap(['content-length', String(body.length)]) }, false);
    sink.write(body);
    sink.end();
    await tick();
    assert.equal(writes.length, 1);
    assert.equal(writes[0], `HTTP/1.1 200 OK\r\ncontent-length: 10000\r\n\r\n${body.toString('latin1')}`);
  });

  it('Should send the head with the last chunk of an empty chunked body, and with trailers', async () => {
    const a = exchangeFor('GET / HTTP/1.1\r\nHost: a');
    a.ex.respond({ status: 200, reason: '', headers: new HeaderMap() }, false).end();
    await tick();
    assert.deepEqual(a.writes, ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n']);
    const b = exchangeFor('POST /x HTTP/1.1\r\nHost: a');
    b.ex.respond({ status: 200, reason: '', headers: new HeaderMap(['content-type', 'application/grpc']) }, false).end(new HeaderMap(['grpc-status', '0']));
    await tick();
    assert.deepEqual(b.writes, ['HTTP/1.1 200 OK\r\ncontent-type: application/grpc\r\ntransfer-encoding: chunked\r\n\r\n0\r\ngrpc-status: 0\r\n\r\n']);
  });

  it('Should frame chunked body chunks after the held head, in order', async () => {
    const { ex, writes } = exchangeFor('GET / HTTP/1.1\r\nHost: a');
    const sink = ex.respond({ status: 200, reason: '', headers: new HeaderMap() }, false);
    sink.write(Buffer.from('abc'));
    sink.write(Buffer.from('de'));
    sink.end();
    await tick();
    assert.equal(writes.join(''), 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
  });

  it('Should write the head of a bodyless response to HEAD without a body', async () => {
    const { ex, writes } = exchangeFor('HEAD / HTTP/1.1\r\nHost: a');
    const sink = ex.respond({ status: 200, reason: '', headers: new HeaderMap(['content-length', '5']) }, false);
    sink.write(Buffer.from('hello'));
    sink.end();
    await tick();
    assert.deepEqual(writes, ['HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n']);
  });
});
