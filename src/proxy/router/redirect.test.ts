import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PathMatch, RedirectAction } from '../config/route.js';
import { buildRedirect } from './redirect.js';
import { requestHead } from './route-fixtures.js';

const base: RedirectAction = { kind: 'redirect', responseCode: 301, stripQuery: false };
const PREFIX: PathMatch = { kind: 'prefix', value: '/old' };

const CASES: { name: string; action: Partial<RedirectAction>; path?: string; authority?: string; scheme?: 'http' | 'https'; xfp?: string; expect: [number, string] }[] = [
  { name: 'keep everything but the changed host', action: { host: 'new.example.com' }, expect: [301, 'http://new.example.com/old/page?q=1'] },
  { name: 'replace the whole path and keep the query', action: { path: '/new' }, expect: [301, 'http://example.com:8080/new?q=1'] },
  { name: 'use the query of a path redirect even when stripping', action: { path: '/new?x=2', stripQuery: true }, expect: [301, 'http://example.com:8080/new?x=2'] },
  { name: 'strip the query', action: { path: '/new', stripQuery: true }, expect: [301, 'http://example.com:8080/new'] },
  { name: 'rewrite the matched prefix', action: { prefixRewrite: '/fresh' }, expect: [301, 'http://example.com:8080/fresh/page?q=1'] },
  { name: 'rewrite the matched prefix and strip the query', action: { prefixRewrite: '/fresh', stripQuery: true }, expect: [301, 'http://example.com:8080/fresh/page'] },
  { name: 'regex-rewrite the path', action: { regexRewrite: { pattern: '^/old/(.*)$', substitution: '/v2/\\1' } }, expect: [301, 'http://example.com:8080/v2/page?q=1'] },
  { name: 'replace the port', action: { port: 8443 }, expect: [301, 'http://example.com:8443/old/page?q=1'] },
  { name: 'keep a non-default port when the scheme changes', action: { scheme: 'https' }, expect: [301, 'https://example.com:8080/old/page?q=1'] },
  { name: 'drop the default port when the scheme changes', action: { scheme: 'https' }, authority: 'example.com:80', expect: [301, 'https://example.com/old/page?q=1'] },
  { name: 'keep the default port when the scheme stays', action: { scheme: 'http' }, authority: 'example.com:80', expect: [301, 'http://example.com:80/old/page?q=1'] },
  { name: 'judge the scheme change by x-forwarded-proto', action: { scheme: 'https' }, authority: 'example.com:443', xfp: 'https', expect: [301, 'https://example.com:443/old/page?q=1'] },
  { name: 'replace the port of a redirect host', action: { host: 'h:1', port: 2 }, expect: [301, 'http://h:2/old/page?q=1'] },
  { name: 'send the configured status', action: { responseCode: 308, path: '/x' }, expect: [308, 'http://example.com:8080/x?q=1'] },
  { name: 'send 301 for a status that is not a redirect', action: { responseCode: 200, path: '/x' }, expect: [301, 'http://example.com:8080/x?q=1'] },
];

for (const c of CASES) {
  test(`Should ${c.name}`, () => {
    const headers: [string, string][] = c.xfp ? [['x-forwarded-proto', c.xfp]] : [];
    const head = requestHead(c.path ?? '/old/page?q=1', { authority: c.authority ?? 'example.com:8080', scheme: c.scheme ?? 'http', headers });
    const r = buildRedirect({ ...base, ...c.action }, head, PREFIX);
    assert.deepEqual([r.status, r.location], c.expect);
  });
}
