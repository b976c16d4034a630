import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { PlannedProcess } from './mesh-plan.js';
import { createSupervisedProcess, type ChildLike, type SupervisorTimers } from './supervised-process.js';

const PLANNED: PlannedProcess = { name: 'reviews-v1', role: 'app', command: 'node', args: ['reviews.js'], env: {}, cwd: '/', readiness: { kind: 'tcp', host: '127.0.0.1', port: 1 } };

class FakeChild extends EventEmitter implements ChildLike {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  constructor(readonly pid: number) {
    super();
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.emit('exit', code, signal);
  }
}

function fakeTimers() {
  let now = 0;
  const pending: { at: number; cb: () => void; id: number }[] = [];
  let ids = 0;
  const timers: SupervisorTimers = {
    setTimeout: (cb, ms) => {
      pending.push({ at: now + ms, cb, id: ++ids });
      return ids;
    },
    clearTimeout: (h) => {
      const i = pending.findIndex((p) => p.id === h);
      if (i >= 0) pending.splice(i, 1);
    },
    now: () => now,
  };
  return {
    timers,
    pending,
    advance(ms: number) {
      now += ms;
      for (const p of pending.filter((x) => x.at <= now)) {
        pending.splice(pending.indexOf(p), 1);
        p.cb();
      }
    },
  };
}

function setup() {
  const children: FakeChild[] = [];
  const signals: string[] = [];
  const lines: string[] = [];
  const crashes: (number | undefined)[] = [];
  const clock = fakeTimers();
  const proc = createSupervisedProcess(PLANNED, {
    spawn: () => {
      const child = new FakeChild(100 + children.length);
      children.push(child);
      return child;
    },
    signal: (child, signal) => signals.push(`${child.pid}:${signal}`),
    timers: clock.timers,
    onLine: (line, stream) => lines.push(`${stream}:${line}`),
    onCrash: (_code, _signal, restartInMs) => crashes.push(restartInMs),
  });
  return { proc, children, signals, lines, crashes, clock };
}

test('Should restart a crashed process after 1 s, doubling the wait up to its cap', () => {
  const { proc, children, crashes, clock } = setup();
  proc.start();
  for (let i = 0; i < 7; i++) {
    children.at(-1)!.exit(1);
    clock.advance(crashes.at(-1)!);
  }
  assert.deepEqual(crashes, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(children.length, 8);
  assert.equal(proc.restarts(), 7);
  assert.equal(proc.pid(), 107);
});

test('Should start the backoff again from 1 s after a run that lasted', () => {
  const { proc, children, crashes, clock } = setup();
  proc.start();
  children[0]!.exit(1);
  clock.advance(1000);
  clock.advance(20_000);
  children[1]!.exit(1);
  assert.deepEqual(crashes, [1000, 1000]);
});

test('Should pass each output line with its stream, even one without a final newline', async () => {
  const { proc, children, lines } = setup();
  proc.start();
  children[0]!.stdout.write('one\ntw');
  children[0]!.stdout.write('o\n');
  children[0]!.stderr.end('last');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(lines, ['stdout:one', 'stdout:two', 'stderr:last']);
});

test('Should stop with SIGTERM, SIGKILL only after the grace period, and never restart', async () => {
  const { proc, children, signals, crashes, clock } = setup();
  proc.start();
  const stopped = proc.stop(10_000);
  assert.deepEqual(signals, ['100:SIGTERM']);
  clock.advance(10_000);
  assert.deepEqual(signals, ['100:SIGTERM', '100:SIGKILL']);
  children[0]!.exit(null, 'SIGKILL');
  await stopped;
  assert.deepEqual(crashes, []);
  assert.equal(clock.pending.length, 0);
  assert.equal(proc.pid(), undefined);
});

test('Should cancel a pending restart when stopped', async () => {
  const { proc, children, clock } = setup();
  proc.start();
  children[0]!.exit(1);
  await proc.stop(1000);
  clock.advance(60_000);
  assert.equal(children.length, 1);
});
