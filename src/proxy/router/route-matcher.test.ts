import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeaderMatch, PathMatch, QueryParameterMatch } from '../config/route.js';
import { pathEnd } from './request-attributes.js';
import { createRouteMatcher } from './route-matcher.js';
import { requestHead, routeMatch } from './route-fixtures.js';

type Kind = PathMatch['kind'];
/** One pattern per path kind, all meaning "/api and below" as far as each kind can. */
const PATTERNS: Record<Kind, string> = { prefix: '/api', path: '/api', path_separated_prefix: '/api', regex: '/api(/.*)?' };
const KINDS = Object.keys(PATTERNS) as Kind[];

const PATH_CASES: { path: string; caseSensitive: boolean; expect: Record<Kind, boolean> }[] = [
  { path: '/api', caseSensitive: true, expect: { prefix: true, path: true, path_separated_prefix: true, regex: true } },
  { path: '/api/v1/books', caseSensitive: true, expect: { prefix: true, path: false, path_separated_prefix: true, regex: true } },
  { path: '/apis', caseSensitive: true, expect: { prefix: true, path: false, path_separated_prefix: false, regex: false } },
  { path: '/api?user=x', caseSensitive: true, expect: { prefix: true, path: true, path_separated_prefix: true, regex: true } },
  { path: '/api/x?q=/y', caseSensitive: true, expect: { prefix: true, path: false, path_separated_prefix: true, regex: true } },
  { path: '/ap', caseSensitive: true, expect: { prefix: false, path: false, path_separated_prefix: false, regex: false } },
  { path: '/API/v1', caseSensitive: true, expect: { prefix: false, path: false, path_separated_prefix: false, regex: false } },
  { path: '/API/v1', caseSensitive: false, expect: { prefix: true, path: false, path_separated_prefix: true, regex: false } },
  { path: '/Api', caseSensitive: false, expect: { prefix: true, path: true, path_separated_prefix: true, regex: false } },
  { path: '/other', caseSensitive: false, expect: { prefix: false, path: false, path_separated_prefix: false, regex: false } },
];

for (const c of PATH_CASES) {
  for (const kind of KINDS) {
    test(`Should ${c.expect[kind] ? 'match' : 'not match'} ${c.path} with a ${kind} match${c.caseSensitive ? '' : ' ignoring case'}`, () => {
      const m = createRouteMatcher(routeMatch({ kind, value: PATTERNS[kind] }, { caseSensitive: c.caseSensitive }));
      const head = requestHead(c.path);
      assert.equal(m(head, pathEnd(head.path), 0), c.expect[kind]);
    });
  }
}

const HEADER_CASES: { name: string; header: HeaderMatch; headers: [string, string][]; method?: string; expect: boolean }[] = [
  { name: 'an exact header', header: { name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: false }, headers: [['end-user', 'jason']], expect: true },
  { name: 'an exact header against another value', header: { name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: false }, headers: [['end-user', 'bob']], expect: false },
  { name: 'a missing header', header: { name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: false }, headers: [], expect: false },
  { name: 'a missing header with invert', header: { name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: true }, headers: [], expect: false },
  { name: 'a missing header with an inverted prefix', header: { name: 'end-user', match: { kind: 'prefix', value: 'ja', ignoreCase: false }, invert: true }, headers: [], expect: false },
  { name: 'another value with invert', header: { name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: true }, headers: [['end-user', 'bob']], expect: true },
  { name: 'a missing header treated as empty with invert (withoutHeaders)', header: { name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: true, treatMissingAsEmpty: true }, headers: [], expect: true },
  { name: 'an inverted exact header', header: { name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: true }, headers: [['end-user', 'jason']], expect: false },
  { name: 'a present header', header: { name: 'x-canary', match: { kind: 'present' }, invert: false }, headers: [['x-canary', '']], expect: true },
  { name: 'an absent header with present', header: { name: 'x-canary', match: { kind: 'present' }, invert: false }, headers: [], expect: false },
  { name: 'an absent header with inverted present', header: { name: 'x-canary', match: { kind: 'present' }, invert: true }, headers: [], expect: true },
  { name: 'repeated values joined with a comma', header: { name: 'x-tag', match: { kind: 'exact', value: 'a,b', ignoreCase: false }, invert: false }, headers: [['x-tag', 'a'], ['x-tag', 'b']], expect: true },
  { name: 'a regex over repeated values', header: { name: 'x-tag', match: { kind: 'regex', value: '.*,b' }, invert: false }, headers: [['x-tag', 'a'], ['x-tag', 'b']], expect: true },
  { name: 'a suffix header', header: { name: 'user-agent', match: { kind: 'suffix', value: 'Firefox', ignoreCase: false }, invert: false }, headers: [['user-agent', 'Mozilla Firefox']], expect: true },
  { name: 'a :method pseudo-header', header: { name: ':method', match: { kind: 'exact', value: 'POST', ignoreCase: false }, invert: false }, headers: [], method: 'POST', expect: true },
  { name: 'a :method pseudo-header against GET', header: { name: ':method', match: { kind: 'exact', value: 'POST', ignoreCase: false }, invert: false }, headers: [], expect: false },
  { name: 'an :authority pseudo-header', header: { name: ':authority', match: { kind: 'prefix', value: 'example', ignoreCase: false }, invert: false }, headers: [], expect: true },
  { name: 'a :scheme pseudo-header', header: { name: ':scheme', match: { kind: 'exact', value: 'https', ignoreCase: false }, invert: false }, headers: [], expect: false },
  { name: 'a :path pseudo-header with its query', header: { name: ':path', match: { kind: 'suffix', value: '?a=1', ignoreCase: false }, invert: false }, headers: [], expect: true },
  { name: 'a missing header treated as empty', header: { name: 'x-e', match: { kind: 'exact', value: '', ignoreCase: false }, invert: false, treatMissingAsEmpty: true }, headers: [], expect: true },
];

for (const c of HEADER_CASES) {
  test(`Should ${c.expect ? 'match' : 'not match'} ${c.name}`, () => {
    const m = createRouteMatcher(routeMatch({ kind: 'prefix', value: '/' }, { headers: [c.header] }));
    const head = requestHead('/x?a=1', { method: c.method ?? 'GET', headers: c.headers });
    assert.equal(m(head, pathEnd(head.path), 0), c.expect);
  });
}

const QUERY_CASES: { name: string; query: QueryParameterMatch; path: string; expect: boolean }[] = [
  { name: 'a present parameter', query: { name: 'debug', match: { kind: 'present' } }, path: '/x?debug', expect: true },
  { name: 'an absent parameter', query: { name: 'debug', match: { kind: 'present' } }, path: '/x?debugger=1', expect: false },
  { name: 'a parameter on its first value', query: { name: 'v', match: { kind: 'exact', value: '1', ignoreCase: false } }, path: '/x?v=1&v=2', expect: true },
  { name: 'a parameter whose first value differs', query: { name: 'v', match: { kind: 'exact', value: '2', ignoreCase: false } }, path: '/x?v=1&v=2', expect: false },
  { name: 'a percent-encoded parameter', query: { name: 'q', match: { kind: 'exact', value: 'a b', ignoreCase: false } }, path: '/x?q=a%20b', expect: true },
  { name: 'a parameter with a regex', query: { name: 'id', match: { kind: 'regex', value: '[0-9]+' } }, path: '/x?a=&id=42#top', expect: true },
  { name: 'a parameter when there is no query', query: { name: 'id', match: { kind: 'present' } }, path: '/x', expect: false },
];

for (const c of QUERY_CASES) {
  test(`Should ${c.expect ? 'match' : 'not match'} ${c.name}`, () => {
    const m = createRouteMatcher(routeMatch({ kind: 'prefix', value: '/' }, { queryParameters: [c.query] }));
    const head = requestHead(c.path);
    assert.equal(m(head, pathEnd(head.path), 0), c.expect);
  });
}

test('Should AND the path, header and query conditions of one match', () => {
  const m = createRouteMatcher(
    routeMatch(
      { kind: 'prefix', value: '/api' },
      { headers: [{ name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: false }], queryParameters: [{ name: 'x', match: { kind: 'present' } }] },
    ),
  );
  const run = (path: string, user: string): boolean => {
    const head = requestHead(path, { headers: [['end-user', user]] });
    return m(head, pathEnd(head.path), 0);
  };
  assert.equal(run('/api?x', 'jason'), true);
  assert.equal(run('/api', 'jason'), false);
  assert.equal(run('/api?x', 'bob'), false);
  assert.equal(run('/other?x', 'jason'), false);
});

test('Should match a runtime fraction only when the sample falls below it', () => {
  const m = createRouteMatcher(routeMatch({ kind: 'prefix', value: '/' }, { runtimeFractionPpm: 250_000 }));
  const head = requestHead('/');
  assert.equal(m(head, 1, 0), true);
  assert.equal(m(head, 1, 0.249999), true);
  assert.equal(m(head, 1, 0.25), false);
  assert.equal(m(head, 1, 0.9), false);
});
