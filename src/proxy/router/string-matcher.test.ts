import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StringMatch } from '../config/route.js';
import { createStringMatcher } from './string-matcher.js';

type Kind = StringMatch['kind'];
const KINDS: Kind[] = ['exact', 'prefix', 'suffix', 'contains', 'regex'];

function matcherOf(kind: Kind, value: string, ignoreCase: boolean): (v: string) => boolean {
  return createStringMatcher(kind === 'regex' ? { kind, value } : { kind, value, ignoreCase });
}

/** Each case runs against every kind; `expect` gives the result per kind. */
const CASES: { pattern: string; input: string; ignoreCase: boolean; expect: Record<Kind, boolean> }[] = [
  { pattern: 'jason', input: 'jason', ignoreCase: false, expect: { exact: true, prefix: true, suffix: true, contains: true, regex: true } },
  { pattern: 'jason', input: 'jason-x', ignoreCase: false, expect: { exact: false, prefix: true, suffix: false, contains: true, regex: false } },
  { pattern: 'jason', input: 'x-jason', ignoreCase: false, expect: { exact: false, prefix: false, suffix: true, contains: true, regex: false } },
  { pattern: 'jason', input: 'x-jason-x', ignoreCase: false, expect: { exact: false, prefix: false, suffix: false, contains: true, regex: false } },
  { pattern: 'jason', input: 'JASON', ignoreCase: false, expect: { exact: false, prefix: false, suffix: false, contains: false, regex: false } },
  { pattern: 'JaSon', input: 'jasON', ignoreCase: true, expect: { exact: true, prefix: true, suffix: true, contains: true, regex: false } },
  { pattern: 'jason', input: 'JASON-X', ignoreCase: true, expect: { exact: false, prefix: true, suffix: false, contains: true, regex: false } },
  { pattern: 'jason', input: 'jaso', ignoreCase: true, expect: { exact: false, prefix: false, suffix: false, contains: false, regex: false } },
  { pattern: 'v[0-9]+', input: 'v12', ignoreCase: false, expect: { exact: false, prefix: false, suffix: false, contains: false, regex: true } },
  { pattern: 'v[0-9]+', input: 'xv12', ignoreCase: false, expect: { exact: false, prefix: false, suffix: false, contains: false, regex: false } },
  { pattern: '', input: 'anything', ignoreCase: false, expect: { exact: false, prefix: true, suffix: true, contains: true, regex: false } },
  { pattern: '.*', input: '', ignoreCase: false, expect: { exact: false, prefix: false, suffix: false, contains: false, regex: true } },
];

for (const c of CASES) {
  for (const kind of KINDS) {
    test(`Should ${c.expect[kind] ? 'match' : 'not match'} ${JSON.stringify(c.input)} against ${kind} ${JSON.stringify(c.pattern)}${c.ignoreCase ? ' ignoring case' : ''}`, () => {
      assert.equal(matcherOf(kind, c.pattern, c.ignoreCase)(c.input), c.expect[kind]);
    });
  }
}

test('Should treat a regex as RE2, without lookahead and in linear time', () => {
  assert.throws(() => createStringMatcher({ kind: 'regex', value: '(?=a)a' }));
  const m = createStringMatcher({ kind: 'regex', value: '(a+)+b' });
  assert.equal(m('a'.repeat(5000)), false);
});
