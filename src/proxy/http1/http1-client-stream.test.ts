import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead } from '../http/message.js';
import { Http1ClientStream, type StreamConnection } from './http1-client-stream.js';

function head(fields: string[] = []): RequestHead {
  return { method: 'GET', path: '/', authority: 'upstream.test', scheme: 'http', protocol: 'HTTP/1.1', headers: new HeaderMap(fields) };
}

/** A connection that records what is written to it. */
function connection(): StreamConnection & { writes: string[]; complete: number } {
  const conn = {
    writes: [] as string[],
    complete: 0,
    write: (data: Buffer | string) => (conn.writes.push(data.toString()), true),
    cork: () => undefined,
    uncork: () => undefined,
    onceDrain: (fn: () => void) => fn(),
    onRequestComplete: () => void conn.complete++,
    cancel: () => undefined,
  };
  return conn;
}

const handler = { onResponse: () => undefined, onError: () => undefined };
const owner = { dequeue: () => undefined };

/** Runs `fn` and counts the process.nextTick calls it makes. */
function countTicks(fn: () => void): number {
  const original = process.nextTick;
  let ticks = 0;
  process.nextTick = ((...args: Parameters<typeof process.nextTick>) => {
    ticks++;
    return original(...args);
  }) as typeof process.nextTick;
  try {
    fn();
  } finally {
    process.nextTick = original;
  }
  return ticks;
}

test('Should send a bodiless request the caller ends in the same turn without scheduling a tick', () => {
  const conn = connection();
  const stream = new Http1ClientStream(head(), handler, owner, true);
  const ticks = countTicks(() => {
    stream.assign(conn);
    assert.deepEqual(conn.writes, [], 'nothing before the body ends');
    stream.end();
  });
  assert.equal(ticks, 0);
  assert.deepEqual(conn.writes, ['GET / HTTP/1.1\r\nhost: upstream.test\r\n\r\n']);
  assert.equal(conn.complete, 1);
});

test('Should still send the head at the next tick when the caller made no promise and the body is still open', async () => {
  const conn = connection();
  const stream = new Http1ClientStream(head(), handler, owner);
  const ticks = countTicks(() => stream.assign(conn));
  assert.equal(ticks, 1);
  assert.deepEqual(conn.writes, []);
  await new Promise((resolve) => process.nextTick(resolve));
  assert.deepEqual(conn.writes, ['GET / HTTP/1.1\r\nhost: upstream.test\r\ntransfer-encoding: chunked\r\n\r\n']);
  stream.end();
  assert.deepEqual(conn.writes.at(-1), '0\r\n\r\n');
  assert.equal(conn.complete, 1);
});

test('Should send a promised-empty body that ends before a connection is assigned once it is', () => {
  const conn = connection();
  const stream = new Http1ClientStream(head(), handler, owner, true);
  stream.end();
  stream.assign(conn);
  assert.deepEqual(conn.writes, ['GET / HTTP/1.1\r\nhost: upstream.test\r\n\r\n']);
});
