import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderMap } from '../http/headers.js';
import {
  appendHttp2Fields,
  decodeHttp2RequestHead,
  decodeHttp2ResponseHead,
  decodeHttp2Trailers,
  encodeHttp2RequestHeaders,
  encodeHttp2ResponseHeaders,
  isHttp2ConnectionHeader,
  joinCookies,
  stripForHttp2,
} from './header-translate.js';

test('Should decode the pseudo-headers into the request head and keep other fields in order', () => {
  const r = decodeHttp2RequestHead([':method', 'POST', ':scheme', 'https', ':path', '/a?b=1', ':authority', 'reviews:9080', 'x-b', '1', 'x-a', '2', 'x-b', '3']);
  assert.ok(r.ok);
  assert.equal(r.value.method, 'POST');
  assert.equal(r.value.path, '/a?b=1');
  assert.equal(r.value.authority, 'reviews:9080');
  assert.equal(r.value.scheme, 'https');
  assert.equal(r.value.protocol, 'HTTP/2');
  assert.deepEqual(r.value.headers.raw(), ['x-b', '1', 'x-a', '2', 'x-b', '3']);
});

test('Should fold host into the authority when :authority is absent, and never keep host', () => {
  const r = decodeHttp2RequestHead([':method', 'GET', ':scheme', 'http', ':path', '/', 'host', 'ratings', 'x', 'y']);
  assert.ok(r.ok);
  assert.equal(r.value.authority, 'ratings');
  assert.equal(r.value.headers.get('host'), undefined);
  const both = decodeHttp2RequestHead([':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'a', 'host', 'b']);
  assert.ok(both.ok);
  assert.equal(both.value.authority, 'a');
  assert.equal(both.value.headers.size, 0);
});

test('Should join split cookies and drop connection-specific fields when decoding', () => {
  const r = decodeHttp2RequestHead([':method', 'GET', ':scheme', 'http', ':path', '/', 'cookie', 'a=1', 'te', 'trailers', 'cookie', 'b=2', 'connection', 'close']);
  assert.ok(r.ok);
  assert.deepEqual(r.value.headers.raw(), ['cookie', 'a=1; b=2', 'te', 'trailers']);
});

test('Should refuse a request without :method or :path, or with an unknown pseudo-header', () => {
  assert.equal(decodeHttp2RequestHead([':scheme', 'http', ':path', '/']).ok, false);
  assert.equal(decodeHttp2RequestHead([':method', 'GET', ':scheme', 'http']).ok, false);
  assert.equal(decodeHttp2RequestHead([':method', 'GET', ':path', '/', ':protocol', 'websocket']).ok, false);
});

test('Should decode the response status and trailers without pseudo-headers', () => {
  const r = decodeHttp2ResponseHead([':status', '204', 'grpc-status', '0']);
  assert.ok(r.ok);
  assert.equal(r.value.status, 204);
  assert.deepEqual(r.value.headers.raw(), ['grpc-status', '0']);
  assert.equal(decodeHttp2ResponseHead(['x', 'y']).ok, false);
  assert.deepEqual(decodeHttp2Trailers(['grpc-status', '13', 'grpc-message', 'boom']).raw(), ['grpc-status', '13', 'grpc-message', 'boom']);
});

test('Should allow te only as trailers in HTTP/2', () => {
  assert.equal(isHttp2ConnectionHeader('te', 'trailers'), false);
  assert.equal(isHttp2ConnectionHeader('te', 'gzip'), true);
  assert.equal(isHttp2ConnectionHeader('transfer-encoding', 'chunked'), true);
  assert.equal(isHttp2ConnectionHeader('x-te', 'gzip'), false);
});

test('Should strip HTTP/1.1 hop-by-hop fields, and those the Connection header names, for HTTP/2', () => {
  const h = new HeaderMap(['connection', 'keep-alive, x-hop', 'keep-alive', 'timeout=5', 'x-hop', '1', 'transfer-encoding', 'chunked', 'upgrade', 'h2c', 'te', 'trailers, deflate', 'x-keep', 'yes']);
  stripForHttp2(h);
  assert.deepEqual(h.raw(), ['x-keep', 'yes']);
  const g = new HeaderMap(['te', 'Trailers']);
  stripForHttp2(g);
  assert.deepEqual(g.raw(), ['te', 'trailers']);
});

test('Should join cookies for HTTP/1.1 and leave a single cookie alone', () => {
  const h = new HeaderMap(['cookie', 'a=1', 'x', 'y', 'cookie', 'b=2']);
  joinCookies(h);
  assert.deepEqual(h.getAll('cookie'), ['a=1; b=2']);
  const one = new HeaderMap(['cookie', 'a=1']);
  joinCookies(one);
  assert.deepEqual(one.raw(), ['cookie', 'a=1']);
});

test('Should encode heads with pseudo-headers, arrays for repeats, and nothing node:http2 would reject', () => {
  const req = encodeHttp2RequestHeaders({
    method: 'GET',
    path: '/p',
    authority: 'svc:80',
    scheme: 'http',
    protocol: 'HTTP/1.1',
    headers: new HeaderMap(['host', 'svc:80', 'x-a', '1', 'x-a', '2', 'connection', 'close', 'te', 'trailers', 'content-type', 'a', 'content-type', 'b']),
  });
  assert.deepEqual(req, { ':method': 'GET', ':path': '/p', ':scheme': 'http', ':authority': 'svc:80', 'x-a': ['1', '2'], te: 'trailers', 'content-type': 'a' });
  const res = encodeHttp2ResponseHeaders({ status: 200, reason: 'OK', headers: new HeaderMap(['set-cookie', 'a', 'set-cookie', 'b', ':bogus', 'x', 'keep-alive', 'timeout=1']) });
  assert.deepEqual(res, { ':status': 200, 'set-cookie': ['a', 'b'] });
  assert.deepEqual(appendHttp2Fields(new HeaderMap(['grpc-status', '0']), {}), { 'grpc-status': '0' });
});
