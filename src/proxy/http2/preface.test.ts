import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HTTP2_PREFACE, isHttp2Preface } from './preface.js';

test('Should recognise the full HTTP/2 client preface, with frames after it', () => {
  assert.equal(isHttp2Preface(HTTP2_PREFACE), 'yes');
  assert.equal(isHttp2Preface(Buffer.concat([HTTP2_PREFACE, Buffer.from([0, 0, 0, 4, 0])])), 'yes');
});

test('Should ask for more bytes while a prefix of the preface has arrived', () => {
  assert.equal(isHttp2Preface(Buffer.alloc(0)), 'need_more');
  assert.equal(isHttp2Preface(Buffer.from('PRI * HTTP/2')), 'need_more');
  assert.equal(isHttp2Preface(HTTP2_PREFACE.subarray(0, 23)), 'need_more');
});

test('Should say no to HTTP/1.1 as soon as a byte differs', () => {
  assert.equal(isHttp2Preface(Buffer.from('GET / HTTP/1.1\r\n')), 'no');
  assert.equal(isHttp2Preface(Buffer.from('PRIX')), 'no');
  assert.equal(isHttp2Preface(Buffer.from('PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n')), 'no');
});
