import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HashPolicy } from '../config/route.js';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead } from '../http/message.js';
import { combineHashes, hashString } from './hash.js';
import { computeRequestHash, cookieValue, createGeneratedCookie, formatGeneratedCookie, queryParameter } from './hash-key.js';

function head(path: string, fields: string[] = []): RequestHead {
  return { method: 'GET', path, authority: 'reviews:9080', scheme: 'http', protocol: 'HTTP/1.1', headers: new HeaderMap(fields) };
}

const header = (name: string, terminal = false): HashPolicy => ({ kind: 'header', name, terminal });

describe('computeRequestHash', () => {
  it('Should hash a header value and give undefined when the header is absent', () => {
    assert.equal(computeRequestHash([header('x-user')], head('/', ['x-user', 'alice']), '10.0.0.9'), hashString('alice'));
    assert.equal(computeRequestHash([header('x-user')], head('/'), '10.0.0.9'), undefined);
  });

  it('Should hash all values of a repeated header regardless of their order', () => {
    const a = computeRequestHash([header('x-tag')], head('/', ['x-tag', 'b', 'x-tag', 'a']), '');
    const b = computeRequestHash([header('x-tag')], head('/', ['x-tag', 'a', 'x-tag', 'b']), '');
    assert.equal(a, b);
    assert.notEqual(a, computeRequestHash([header('x-tag')], head('/', ['x-tag', 'a']), ''));
  });

  it('Should hash the source IP, a query parameter and the authority', () => {
    assert.equal(computeRequestHash([{ kind: 'source_ip', name: '', terminal: false }], head('/'), '10.1.2.3'), hashString('10.1.2.3'));
    const q: HashPolicy = { kind: 'query_parameter', name: 'user', terminal: false };
    assert.equal(computeRequestHash([q], head('/p?a=1&user=bob&user=eve'), ''), hashString('bob'));
    assert.equal(computeRequestHash([q], head('/p?a=1'), ''), undefined);
    assert.equal(computeRequestHash([header(':authority')], head('/'), ''), hashString('reviews:9080'));
  });

  it('Should combine several policies by rotating and xoring', () => {
    const h = head('/', ['x-a', '1', 'x-b', '2']);
    assert.equal(computeRequestHash([header('x-a'), header('x-b')], h, ''), combineHashes(hashString('1'), hashString('2')));
    assert.equal(computeRequestHash([header('x-missing'), header('x-b')], h, ''), hashString('2'));
  });

  it('Should stop at a terminal policy once a hash exists', () => {
    const h = head('/', ['x-a', '1', 'x-b', '2']);
    assert.equal(computeRequestHash([header('x-a', true), header('x-b')], h, ''), hashString('1'));
    // A terminal policy that produced nothing lets evaluation continue.
    assert.equal(computeRequestHash([header('x-missing', true), header('x-b')], h, ''), hashString('2'));
  });

  it('Should hash an existing cookie and leave the generated-cookie flag unset', () => {
    const policy: HashPolicy = { kind: 'cookie', name: 'session', cookieTtlMs: 60_000, terminal: false };
    const out = createGeneratedCookie();
    const hash = computeRequestHash([policy], head('/', ['cookie', 'a=1; session="xyz"']), '10.0.0.9', out);
    assert.equal(hash, hashString('xyz'));
    assert.equal(out.generated, false);
  });

  it('Should generate a cookie from the source address when a TTL is set and the cookie is absent', () => {
    const policy: HashPolicy = { kind: 'cookie', name: 'session', cookieTtlMs: 60_000, cookiePath: '/', terminal: false };
    const out = createGeneratedCookie();
    const hash = computeRequestHash([policy], head('/'), '10.0.0.9', out);
    assert.equal(out.generated, true);
    assert.equal(out.name, 'session');
    assert.equal(hash, hashString(out.value));
    assert.equal(formatGeneratedCookie(out), `session="${out.value}"; Max-Age=60; Path=/; HttpOnly`);
    // The same client gets the same cookie, and then the same hash once it sends it back.
    const back = computeRequestHash([policy], head('/', ['cookie', `session="${out.value}"`]), '10.0.0.10');
    assert.equal(back, hash);
  });

  it('Should give no hash for an absent cookie without a TTL', () => {
    const policy: HashPolicy = { kind: 'cookie', name: 'session', terminal: false };
    const out = createGeneratedCookie();
    assert.equal(computeRequestHash([policy], head('/'), '10.0.0.9', out), undefined);
    assert.equal(out.generated, false);
  });
});

describe('request parsing helpers', () => {
  it('Should read query parameters without a value and stop at a fragment', () => {
    assert.equal(queryParameter('/x?flag&b=2#frag', 'flag'), '');
    assert.equal(queryParameter('/x?b=2#c=3', 'c'), undefined);
    assert.equal(queryParameter('/x', 'b'), undefined);
  });

  it('Should find a cookie across several cookie headers', () => {
    assert.equal(cookieValue(head('/', ['cookie', 'a=1', 'cookie', 'b=2; c=3']), 'c'), '3');
    assert.equal(cookieValue(head('/', ['cookie', 'ab=1']), 'a'), undefined);
  });
});
