import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PathMatch } from '../config/route.js';
import { applyRequestRewrites, ORIGINAL_PATH_HEADER, rewritePath } from './path-rewrite.js';
import { createRegexRewriter } from './regex-rewrite.js';
import { requestHead, routeAction, NO_HEADER_OPS } from './route-fixtures.js';

const CASES: { name: string; path: string; match: PathMatch; prefixRewrite?: string; regex?: [string, string]; expect: string | undefined }[] = [
  { name: 'replace the matched prefix', path: '/v1/books', match: { kind: 'prefix', value: '/v1' }, prefixRewrite: '/api/v2', expect: '/api/v2/books' },
  { name: 'keep the query after a prefix rewrite', path: '/v1/books?id=3', match: { kind: 'prefix', value: '/v1/' }, prefixRewrite: '/', expect: '/books?id=3' },
  { name: 'replace the whole path of an exact match, keeping the query', path: '/login?next=/', match: { kind: 'path', value: '/login' }, prefixRewrite: '/auth/login', expect: '/auth/login?next=/' },
  { name: 'replace a path-separated prefix', path: '/v1/x', match: { kind: 'path_separated_prefix', value: '/v1' }, prefixRewrite: '/v2', expect: '/v2/x' },
  { name: 'not prefix-rewrite a regex match', path: '/v1/x', match: { kind: 'regex', value: '/v1/.*' }, prefixRewrite: '/v2', expect: undefined },
  { name: 'substitute capture groups in a regex rewrite', path: '/service/foo/v1/api', match: { kind: 'prefix', value: '/' }, regex: ['^/service/([^/]+)(/.*)$', '\\2/instance/\\1'], expect: '/v1/api/instance/foo' },
  { name: 'regex-rewrite every match and keep the query', path: '/aaa/b?a=a', match: { kind: 'prefix', value: '/' }, regex: ['a', 'x'], expect: '/xxx/b?a=a' },
  { name: 'leave a path the regex does not match', path: '/b', match: { kind: 'prefix', value: '/' }, regex: ['z', 'x'], expect: '/b' },
  { name: 'ask for no rewrite', path: '/b', match: { kind: 'prefix', value: '/' }, expect: undefined },
];

for (const c of CASES) {
  test(`Should ${c.name}`, () => {
    const spec = { prefixRewrite: c.prefixRewrite, regexRewrite: c.regex ? { pattern: c.regex[0], substitution: c.regex[1] } : undefined };
    assert.equal(rewritePath(c.path, c.match, spec), c.expect);
  });
}

test('Should read \\0 as the whole match, \\\\ as a backslash, and skip groups that did not take part', () => {
  assert.equal(createRegexRewriter({ pattern: 'b(x)?', substitution: '[\\0|\\1|\\\\]' })('abc'), 'a[b||\\]c');
});

test('Should insert the substitution at every empty match as RE2 does', () => {
  assert.equal(createRegexRewriter({ pattern: 'x*', substitution: '-' })('ab'), '-a-b-');
});

test('Should save the original path and rewrite the authority', () => {
  const head = requestHead('/v1/books?x=1', { authority: 'bookinfo.com' });
  const changed = applyRequestRewrites(head, { kind: 'prefix', value: '/v1' }, routeAction({ prefixRewrite: '/v2', hostRewrite: 'reviews.internal' }));
  assert.equal(changed, true);
  assert.equal(head.path, '/v2/books?x=1');
  assert.equal(head.authority, 'reviews.internal');
  assert.equal(head.headers.get(ORIGINAL_PATH_HEADER), '/v1/books?x=1');
});

test("Should prefer the weighted cluster's host rewrite and leave the path alone without a path rewrite", () => {
  const head = requestHead('/a', { authority: 'x' });
  const changed = applyRequestRewrites(head, { kind: 'prefix', value: '/' }, routeAction({ hostRewrite: 'action' }), { name: 'c', weight: 1, headers: NO_HEADER_OPS, hostRewrite: 'cluster' });
  assert.equal(changed, false);
  assert.equal(head.authority, 'cluster');
  assert.equal(head.headers.has(ORIGINAL_PATH_HEADER), false);
});
