import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { PlannedProcess } from './mesh-plan.js';
import { findSetpriv, PARENT_PID_ENV, withParentLifeline } from './parent-lifeline.js';

function planned(role: PlannedProcess['role'], command = 'node', args = ['app.js']): PlannedProcess {
  return { name: 'p', role, command, args, env: { A: '1' }, cwd: '/', readiness: { kind: 'tcp', host: '127.0.0.1', port: 1 } };
}

test('Should tell Heddle\'s own processes the parent pid and leave their command line alone', () => {
  for (const role of ['control-plane', 'sidecar', 'gateway'] as const) {
    const line = withParentLifeline(planned(role), 77, '/usr/bin/setpriv');
    assert.equal(line.command, 'node');
    assert.deepEqual(line.args, ['app.js']);
    assert.deepEqual(line.env, { A: '1', [PARENT_PID_ENV]: '77' });
  }
});

test('Should start an app through setpriv with a parent-death signal, and as it is without setpriv', () => {
  const app = planned('app', 'ip', ['netns', 'exec', 'pod', 'python3', 'srv.py']);
  const wrapped = withParentLifeline(app, 77, '/usr/bin/setpriv');
  assert.equal(wrapped.command, '/usr/bin/setpriv');
  assert.deepEqual(wrapped.args, ['--pdeathsig', 'TERM', '--', 'ip', 'netns', 'exec', 'pod', 'python3', 'srv.py']);
  assert.deepEqual(wrapped.env, { A: '1' }, 'an app is not told the parent pid');
  const bare = withParentLifeline(app, 77, undefined);
  assert.equal(bare.command, 'ip');
  assert.deepEqual(bare.args, ['netns', 'exec', 'pod', 'python3', 'srv.py']);
});

test('Should find an executable setpriv on PATH that takes --pdeathsig, and nothing where there is none', () => {
  const empty = mkdtempSync(join(tmpdir(), 'heddle-path-empty-'));
  const withOne = mkdtempSync(join(tmpdir(), 'heddle-path-'));
  try {
    writeFileSync(join(withOne, 'setpriv'), '#!/bin/sh\n');
    assert.equal(findSetpriv(empty), undefined);
    const yes = () => true;
    assert.equal(findSetpriv(`${empty}${delimiter}${withOne}`, yes), undefined, 'not executable yet');
    chmodSync(join(withOne, 'setpriv'), 0o755);
    assert.equal(findSetpriv(`${empty}${delimiter}${withOne}`, yes), join(withOne, 'setpriv'));
    assert.equal(findSetpriv(`${empty}${delimiter}${withOne}`, () => false), undefined, 'a setpriv without --pdeathsig (util-linux 2.32) is not used');
    assert.equal(findSetpriv('', yes), undefined);
  } finally {
    rmSync(empty, { recursive: true, force: true });
    rmSync(withOne, { recursive: true, force: true });
  }
});
