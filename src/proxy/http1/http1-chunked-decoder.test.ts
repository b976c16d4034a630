import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedDecoder } from './http1-chunked-decoder.js';

function decodeAll(parts: Buffer[]) {
  const decoder = new ChunkedDecoder(4096, 10);
  const out: Buffer[] = [];
  const sink = { onPayload: (b: Buffer) => void out.push(Buffer.from(b)) };
  let consumed = 0;
  for (const p of parts) {
    const n = decoder.decode(p, 0, p.length, sink);
    if (n < 0) return { error: decoder.error, payload: Buffer.concat(out), consumed, done: false, trailers: undefined };
    consumed += n;
  }
  return { error: undefined, payload: Buffer.concat(out), consumed, done: decoder.done, trailers: decoder.trailers };
}

const BODY = Buffer.from('5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nGrpc-Status: 0\r\nX-Sum: abc\r\n\r\n', 'latin1');

describe('ChunkedDecoder', () => {
  it('Should decode chunks and trailers when split at every byte boundary', () => {
    for (let cut = 0; cut <= BODY.length; cut++) {
      const r = decodeAll([BODY.subarray(0, cut), BODY.subarray(cut)]);
      assert.equal(r.error, undefined, `cut ${cut}`);
      assert.equal(r.payload.toString(), 'hello, world', `cut ${cut}`);
      assert.equal(r.done, true);
      assert.equal(r.consumed, BODY.length);
      assert.equal(r.trailers?.get('grpc-status'), '0');
      assert.equal(r.trailers?.get('x-sum'), 'abc');
    }
  });

  it('Should decode a body delivered one byte at a time', () => {
    const parts = [...BODY].map((b) => Buffer.from([b]));
    const r = decodeAll(parts);
    assert.equal(r.payload.toString(), 'hello, world');
    assert.equal(r.done, true);
  });

  it('Should stop at the end of the body and leave the next message alone', () => {
    const next = Buffer.from('GET / HTTP/1.1\r\n');
    const wire = Buffer.concat([Buffer.from('3\r\nabc\r\n0\r\n\r\n'), next]);
    const decoder = new ChunkedDecoder(4096, 10);
    const n = decoder.decode(wire, 0, wire.length, { onPayload: () => undefined });
    assert.equal(n, wire.length - next.length);
    assert.equal(decoder.done, true);
    assert.equal(decoder.trailers, undefined);
  });

  for (const [name, text] of [
    ['a non-hex size', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['an empty size', '\r\nhello\r\n0\r\n\r\n'],
    ['a size too large', 'fffffffffffffffff\r\n'],
    ['a missing CRLF after data', '3\r\nabcX\r\n0\r\n\r\n'],
    ['a bare LF after the size', '3\nabc\r\n0\r\n\r\n'],
    ['a negative size', '-3\r\nabc\r\n0\r\n\r\n'],
  ]) {
    it(`Should refuse ${name}`, () => {
      const r = decodeAll([Buffer.from(text!, 'latin1')]);
      assert.equal(r.error?.code, 'BAD_CHUNK');
      assert.equal(r.error?.status, 400);
    });
  }
});
