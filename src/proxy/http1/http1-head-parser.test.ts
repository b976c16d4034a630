import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestHead, parseResponseHead } from './http1-head-parser.js';

function req(text: string, maxHeaders = 100) {
  return parseRequestHead(text.replace(/\r\n\r\n$/, ''), 'http', maxHeaders);
}

describe('parseRequestHead', () => {
  it('Should parse an origin-form request with lowercased names and trimmed values', () => {
    const r = req('GET /a?b=1 HTTP/1.1\r\nHost: svc:9080\r\nX-Thing: \t v1 \t\r\nAccept: */*\r\n\r\n');
    assert.ok(r.ok);
    const { head, framing, keepAlive } = r.value;
    assert.equal(head.method, 'GET');
    assert.equal(head.path, '/a?b=1');
    assert.equal(head.authority, 'svc:9080');
    assert.equal(head.protocol, 'HTTP/1.1');
    assert.equal(head.targetForm, undefined);
    assert.deepEqual([...head.headers.raw()], ['x-thing', 'v1', 'accept', '*/*']);
    assert.equal(framing, 'none');
    assert.equal(keepAlive, true);
  });

  it('Should take authority and origin-form path from an absolute-form target', () => {
    const r = req('GET http://reviews.default:9080/r/1?x HTTP/1.1\r\nHost: ignored\r\n\r\n');
    assert.ok(r.ok);
    assert.equal(r.value.head.authority, 'reviews.default:9080');
    assert.equal(r.value.head.path, '/r/1?x');
    assert.equal(r.value.head.targetForm, 'absolute');
    const bare = req('GET https://example.com HTTP/1.1\r\n\r\n');
    assert.ok(bare.ok);
    assert.equal(bare.value.head.path, '/');
    assert.equal(bare.value.head.scheme, 'https');
  });

  it('Should accept authority-form for CONNECT and asterisk-form for OPTIONS', () => {
    const c = req('CONNECT db.example:5432 HTTP/1.1\r\nHost: db.example:5432\r\n\r\n');
    assert.ok(c.ok);
    assert.equal(c.value.head.authority, 'db.example:5432');
    assert.equal(c.value.head.targetForm, 'authority');
    assert.equal(c.value.upgrade, true);
    const o = req('OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.ok(o.ok);
    assert.equal(o.value.head.targetForm, 'asterisk');
  });

  it('Should apply the keep-alive defaults of HTTP/1.0 and HTTP/1.1', () => {
    const cases: [string, boolean][] = [
      ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', true],
      ['GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', false],
      ['GET / HTTP/1.0\r\n\r\n', false],
      ['GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n', true],
    ];
    for (const [text, keepAlive] of cases) {
      const r = req(text);
      assert.ok(r.ok, text);
      assert.equal(r.value.keepAlive, keepAlive, text);
      assert.equal(r.value.head.headers.has('connection'), false);
    }
  });

  it('Should find the framing of chunked and Content-Length bodies', () => {
    const c = req('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n');
    assert.ok(c.ok);
    assert.equal(c.value.framing, 'chunked');
    assert.equal(c.value.head.headers.has('transfer-encoding'), false);
    const l = req('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\nContent-Length: 12\r\n\r\n');
    assert.ok(l.ok);
    assert.equal(l.value.framing, 'length');
    assert.equal(l.value.length, 12);
  });

  it('Should strip hop-by-hop fields but keep upgrade on an upgrade request', () => {
    const r = req('GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, X-Private\r\nUpgrade: websocket\r\nX-Private: 1\r\nKeep-Alive: 5\r\nTE: trailers\r\n\r\n');
    assert.ok(r.ok);
    assert.equal(r.value.upgrade, true);
    assert.deepEqual([...r.value.head.headers.raw()], ['upgrade', 'websocket', 'te', 'trailers']);
  });

  it('Should report Expect: 100-continue', () => {
    const r = req('PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n');
    assert.ok(r.ok);
    assert.equal(r.value.expectContinue, true);
  });

  const refused: [string, string, number][] = [
    ['no version', 'GET /\r\nHost: a\r\n\r\n', 400],
    ['bad version', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505],
    ['lowercase version', 'GET / http/1.1\r\nHost: a\r\n\r\n', 400],
    ['space in method', 'G ET / HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['control char in target', 'GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['missing Host in HTTP/1.1', 'GET / HTTP/1.1\r\nAccept: x\r\n\r\n', 400],
    ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  2\r\n\r\n', 400],
    ['space before colon', 'GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n', 400],
    ['no colon', 'GET / HTTP/1.1\r\nHost: a\r\nX-A\r\n\r\n', 400],
    ['bare LF in value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\nX-B: 2\r\n\r\n', 400],
    ['NUL in value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\x002\r\n\r\n', 400],
    ['CL and TE', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['differing CL', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n', 400],
    ['CL list that differs', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\n', 400],
    ['negative CL', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n', 400],
    ['CL with sign', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n', 400],
    ['TE not ending in chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', 400],
    ['TE gzip only', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
    ['TE unknown coding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo, chunked\r\n\r\n', 501],
    ['TE in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['CONNECT without port', 'CONNECT db.example HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['asterisk for GET', 'GET * HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['userinfo in absolute-form', 'GET http://u@h/ HTTP/1.1\r\n\r\n', 400],
    ['relative target', 'GET a/b HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ];
  for (const [name, text, status] of refused) {
    it(`Should refuse a request head with ${name} with status ${status}`, () => {
      const r = req(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.status, status);
    });
  }

  it('Should refuse more header fields than the limit with 431', () => {
    const fields = Array.from({ length: 5 }, (_, i) => `X-${i}: v\r\n`).join('');
    const r = req(`GET / HTTP/1.1\r\nHost: a\r\n${fields}\r\n`, 5);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.status, 431);
  });
});

describe('parseResponseHead', () => {
  it('Should parse a status line with and without a reason phrase', () => {
    const a = parseResponseHead('HTTP/1.1 404 Not Found\r\nContent-Length: 0', 'GET', 100);
    assert.ok(a.ok);
    assert.equal(a.value.head.status, 404);
    assert.equal(a.value.head.reason, 'Not Found');
    assert.equal(a.value.framing, 'none');
    const b = parseResponseHead('HTTP/1.1 200\r\nTransfer-Encoding: chunked', 'GET', 100);
    assert.ok(b.ok);
    assert.equal(b.value.head.reason, '');
    assert.equal(b.value.framing, 'chunked');
  });

  it('Should treat a response without framing as close-delimited', () => {
    const r = parseResponseHead('HTTP/1.1 200 OK\r\nX: y', 'GET', 100);
    assert.ok(r.ok);
    assert.equal(r.value.framing, 'close');
    assert.equal(r.value.keepAlive, false);
  });

  it('Should give HEAD, 1xx, 204 and 304 responses no body', () => {
    for (const [line, method] of [
      ['HTTP/1.1 200 OK\r\nContent-Length: 10', 'HEAD'],
      ['HTTP/1.1 204 No Content', 'DELETE'],
      ['HTTP/1.1 304 Not Modified\r\nContent-Length: 10', 'GET'],
      ['HTTP/1.1 100 Continue', 'POST'],
    ] as const) {
      const r = parseResponseHead(line, method, 100);
      assert.ok(r.ok, line);
      assert.equal(r.value.framing, 'none', line);
    }
  });

  it('Should refuse malformed status lines and conflicting framing', () => {
    for (const text of ['HTTP/1.1 20 OK', 'HTTP/1.1 2000 OK', 'HTTP/3 200 OK', 'hello', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked']) {
      assert.equal(parseResponseHead(text, 'GET', 100).ok, false, text);
    }
  });
});
