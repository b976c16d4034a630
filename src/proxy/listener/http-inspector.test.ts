import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspectHttp, MAX_INSPECTED_REQUEST_LINE, type HttpInspection } from './http-inspector.js';

const cases: [string, string | Buffer, HttpInspection][] = [
  ['an HTTP/1.1 request line', 'GET /productpage HTTP/1.1\r\nHost: x\r\n\r\n', 'http/1.1'],
  ['an HTTP/1.0 request line', 'POST /a?b=c HTTP/1.0\r\n', 'http/1.0'],
  ['an extension method token', 'PURGE /cache HTTP/1.1\r\n', 'http/1.1'],
  ['a bare LF line end', 'GET / HTTP/1.1\n', 'http/1.1'],
  ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'h2c'],
  ['a partial HTTP/2 preface', 'PRI * HTTP/2', 'need_more'],
  ['a partial method', 'GE', 'need_more'],
  ['a partial target', 'GET /produ', 'need_more'],
  ['a partial version', 'GET / HTTP/1', 'need_more'],
  ['a request line without its line end', 'GET / HTTP/1.1', 'need_more'],
  ['nothing yet', '', 'need_more'],
  ['a TLS record', Buffer.from([0x16, 3, 1, 0, 200, 1]), 'unknown'],
  ['a MySQL-like binary greeting', Buffer.from([0x4a, 0, 0, 0, 0x0a, 0x35]), 'unknown'],
  ['HTTP/2.0 without the preface', 'GET / HTTP/2.0\r\n', 'unknown'],
  ['a space before the method', ' GET / HTTP/1.1\r\n', 'unknown'],
  ['an empty target', 'GET  HTTP/1.1\r\n', 'unknown'],
  ['a CR not followed by LF', 'GET / HTTP/1.1\rX', 'unknown'],
  ['a Redis command', '*1\r\n$4\r\nPING\r\n', 'unknown'],
];

for (const [name, input, expected] of cases) {
  test(`Should report ${expected} for ${name}`, () => {
    assert.equal(inspectHttp(typeof input === 'string' ? Buffer.from(input, 'latin1') : input), expected);
  });
}

test('Should give up on a request line longer than the limit', () => {
  const long = Buffer.from(`GET /${'a'.repeat(MAX_INSPECTED_REQUEST_LINE)}`, 'latin1');
  assert.equal(inspectHttp(long), 'unknown');
});
