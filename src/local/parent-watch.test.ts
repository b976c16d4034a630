import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchParent, type WatchedProcess } from './parent-watch.js';

function fakeProcess(ppid: number, alive: number[] = [ppid]): WatchedProcess & { parent: number; signals: string[] } {
  const p = {
    pid: 4242,
    parent: ppid,
    signals: [] as string[],
    ppid: () => p.parent,
    kill: (pid: number, signal: NodeJS.Signals) => p.signals.push(`${pid}:${signal}`),
    exists: (pid: number) => alive.includes(pid),
  };
  return p;
}

function manualInterval() {
  const ticks: (() => void)[] = [];
  let unrefed = false;
  return {
    tick: () => ticks.forEach((t) => t()),
    unrefed: () => unrefed,
    setInterval: (cb: () => void) => {
      ticks.push(cb);
      return { unref: () => (unrefed = true) };
    },
  };
}

test('Should send itself SIGTERM once, when its parent is gone', () => {
  const proc = fakeProcess(100);
  const timer = manualInterval();
  const orphaned: number[] = [];
  assert.equal(watchParent({ parentPid: '100', proc, setInterval: timer.setInterval, onOrphaned: (pid) => orphaned.push(pid) }), true);
  assert.equal(timer.unrefed(), true, 'the watch never keeps the process alive');
  timer.tick();
  assert.deepEqual(proc.signals, []);
  proc.parent = 1; // reparented to init
  timer.tick();
  timer.tick();
  assert.deepEqual(proc.signals, ['4242:SIGTERM']);
  assert.deepEqual(orphaned, [100]);
});

test('Should not watch without HEDDLE_PARENT_PID, with a bad value, or when a live process other than its parent is named', () => {
  for (const parentPid of [undefined, '', 'abc', '1', '-5', '99']) {
    const timer = manualInterval();
    const proc = fakeProcess(100, [100, 99]);
    assert.equal(watchParent({ parentPid, proc, setInterval: timer.setInterval }), false, `parentPid ${String(parentPid)}`);
    assert.deepEqual(proc.signals, []);
  }
});

test('Should stop at once when the named parent died before the watch started', () => {
  const proc = fakeProcess(1, []);
  const timer = manualInterval();
  assert.equal(watchParent({ parentPid: '100', proc, setInterval: timer.setInterval }), true);
  assert.deepEqual(proc.signals, ['4242:SIGTERM']);
});
