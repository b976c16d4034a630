import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVirtualHostSelector, findPortStart } from './virtual-host-selector.js';
import { virtualHost } from './route-fixtures.js';

const HOSTS = [
  virtualHost('reviews', ['reviews.default.svc.cluster.local', 'reviews', 'reviews:9080']),
  virtualHost('suffix-long', ['*.bar.example.com']),
  virtualHost('suffix-short', ['*.example.com']),
  virtualHost('suffix-bare', ['*ample.org']),
  virtualHost('prefix-long', ['api.internal.*']),
  virtualHost('prefix-short', ['api.*']),
  virtualHost('first', ['Dup.example.net']),
  virtualHost('second', ['dup.example.net']),
  virtualHost('allow_any', ['*']),
];

const CASES: { authority: string; ignorePort: boolean; expect: string | undefined }[] = [
  { authority: 'reviews', ignorePort: true, expect: 'reviews' },
  { authority: 'REVIEWS.default.svc.cluster.local', ignorePort: true, expect: 'reviews' },
  { authority: 'reviews:9080', ignorePort: true, expect: 'reviews' },
  { authority: 'reviews:1234', ignorePort: true, expect: 'reviews' },
  { authority: 'reviews:9080', ignorePort: false, expect: 'reviews' },
  { authority: 'reviews:1234', ignorePort: false, expect: 'reviews' },
  { authority: 'a.bar.example.com', ignorePort: true, expect: 'suffix-long' },
  { authority: 'a.foo.example.com', ignorePort: true, expect: 'suffix-short' },
  { authority: 'example.com', ignorePort: true, expect: 'allow_any' },
  { authority: '.example.com', ignorePort: true, expect: 'allow_any' },
  { authority: 'sample.org', ignorePort: true, expect: 'suffix-bare' },
  { authority: 'api.internal.x', ignorePort: true, expect: 'prefix-long' },
  { authority: 'api.x', ignorePort: true, expect: 'prefix-short' },
  { authority: 'api.', ignorePort: true, expect: 'allow_any' },
  { authority: 'api.example.com', ignorePort: true, expect: 'suffix-short' },
  { authority: 'dup.example.net', ignorePort: true, expect: 'first' },
  { authority: 'unknown.local', ignorePort: true, expect: 'allow_any' },
];

for (const c of CASES) {
  test(`Should pick ${c.expect} for ${c.authority}${c.ignorePort ? ' ignoring the port' : ''}`, () => {
    assert.equal(createVirtualHostSelector(HOSTS, c.ignorePort).select(c.authority)?.name, c.expect);
  });
}

test('Should prefer a domain listed with the port when ports are not ignored', () => {
  const s = createVirtualHostSelector([virtualHost('bare', ['svc']), virtualHost('with-port', ['svc:8080'])], false);
  assert.equal(s.select('svc:8080')?.name, 'with-port');
  assert.equal(s.select('svc:9090')?.name, 'bare');
  assert.equal(s.select('svc')?.name, 'bare');
});

test('Should find no virtual host when none serves the authority and there is no *', () => {
  assert.equal(createVirtualHostSelector([virtualHost('a', ['a'])], true).select('b'), undefined);
});

test('Should strip the port of an IPv6 literal only after its bracket', () => {
  assert.equal(findPortStart('[::1]:8080'), 5);
  assert.equal(findPortStart('[::1]'), -1);
  assert.equal(findPortStart('::1'), -1);
  assert.equal(findPortStart('host:80'), 4);
  const s = createVirtualHostSelector([virtualHost('v6', ['[::1]'])], true);
  assert.equal(s.select('[::1]:15001')?.name, 'v6');
});
