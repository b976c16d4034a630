import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPushDebouncer } from './push-debounce.js';
import { changeOf, type PendingChange } from './push-request.js';
import { createManualTimers } from './testing.js';

function setup(debounceMs = 100, maxDelayMs = 1000) {
  const timers = createManualTimers();
  const fired: PendingChange[] = [];
  const debouncer = createPushDebouncer({ debounceMs, maxDelayMs, timers, fire: (c) => fired.push(c) });
  const add = (full: boolean, hosts?: string[], reason = full ? 'config' : 'endpoints') =>
    debouncer.add(changeOf({ full, ...(hosts ? { hosts } : {}), reason }, timers.now()));
  return { timers, fired, debouncer, add };
}

test('Should merge changes that arrive within the quiet period into one push', () => {
  const { timers, fired, debouncer, add } = setup();
  add(true);
  timers.advance(50);
  add(true);
  timers.advance(99);
  assert.equal(fired.length, 0, 'the second change restarted the quiet period');
  assert.equal(debouncer.pending(), 2);
  timers.advance(1);
  assert.equal(fired.length, 1);
  assert.equal(fired[0]?.start, 0, 'the push remembers when its first change happened');
  assert.equal(debouncer.pending(), 0);
});

test('Should push after the maximum delay even while changes keep coming', () => {
  const { timers, fired, add } = setup(100, 1000);
  for (let t = 0; t < 1500; t += 50) {
    add(true);
    timers.advance(50);
  }
  assert.equal(fired.length, 1, 'one push at the 1 s mark, the next still quiet-waiting');
  assert.ok((fired[0]?.reasons.size ?? 0) === 1);
});

test('Should turn an endpoint change merged with a config change into a full push', () => {
  const { timers, fired, add } = setup();
  add(false, ['a.default.svc.cluster.local']);
  add(true);
  timers.advance(100);
  assert.equal(fired[0]?.full, true);
  assert.equal(fired[0]?.hosts, undefined);
  assert.deepEqual([...(fired[0]?.reasons ?? [])].sort(), ['config', 'endpoints']);
});

test('Should union the hosts of endpoint changes that merge', () => {
  const { timers, fired, add } = setup();
  add(false, ['a']);
  add(false, ['b']);
  timers.advance(100);
  assert.equal(fired[0]?.full, false);
  assert.deepEqual([...(fired[0]?.hosts ?? [])].sort(), ['a', 'b']);
  add(false, ['c']);
  add(false);
  timers.advance(100);
  assert.equal(fired[1]?.hosts, undefined, 'a change without hosts concerns every host');
});

test('Should fire at once on flush and drop pending changes on stop', () => {
  const { timers, fired, debouncer, add } = setup();
  add(true);
  debouncer.flush();
  assert.equal(fired.length, 1);
  add(true);
  debouncer.stop();
  timers.advance(1000);
  assert.equal(fired.length, 1);
});
