import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { HEDDLE_BIN, runHeddle } from '../support/heddle.js';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`;

async function withFiles(files: Record<string, string>, fn: (dir: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-validate-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('Should exit 0 and print no problems for a valid file', async () => {
  await withFiles({ 'vs.yaml': VS }, (dir) => {
    const r = runHeddle(['validate', join(dir, 'vs.yaml')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /1 resource in 1 file: all valid/);
  });
});

test('Should name the file, line, resource and field of a misspelt field, and exit 1', async () => {
  await withFiles({ 'vs.yaml': VS.replace('  - route:', '  - rewite:\n      uri: /\n    route:') }, (dir) => {
    const file = join(dir, 'vs.yaml');
    const r = runHeddle(['validate', file]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, `${file}:9: VirtualService default/reviews: spec.http[0].rewite: unknown field "rewite" (did you mean "rewrite"?)\n`);
  });
});

test('Should validate every file of a directory and report each bad one', async () => {
  await withFiles(
    {
      'a.yaml': VS,
      'b.yml': VS.replace('name: reviews', 'name: b').replace('subset: v1', 'subset: v1\n        port: {number: 70000}'),
      'notes.txt': 'not config',
    },
    (dir) => {
      const r = runHeddle(['validate', dir]);
      assert.equal(r.status, 1);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 1, r.stdout);
      assert.match(lines[0]!, /b\.yml:13: VirtualService default\/b: spec\.http\[0\]\.route\[0\]\.destination\.port\.number: /);
      assert.match(r.stderr, /2 resources in 2 files: 1 invalid/);
    },
  );
});

test('Should read stdin when the path is -', () => {
  const ok = runHeddle(['validate', '-'], { input: VS });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const bad = runHeddle(['validate', '-'], { input: VS.replace('kind: VirtualService', 'kind: VirtualServise') });
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '-:2: VirtualServise default/reviews: kind: unknown kind "VirtualServise" (did you mean "VirtualService"?)\n');
});

test('Should print the same problems as JSON with -o json', async () => {
  await withFiles({ 'vs.yaml': VS.replace('subset: v1', 'subset: v1\n      weight: "80"') }, (dir) => {
    const r = runHeddle(['validate', '-o', 'json', join(dir, 'vs.yaml')]);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout) as { valid: boolean; issues: Array<Record<string, unknown>> };
    assert.equal(out.valid, false);
    assert.equal(out.issues.length, 1);
    assert.deepEqual(
      { ...out.issues[0], message: undefined },
      {
        severity: 'error',
        file: join(dir, 'vs.yaml'),
        line: 13,
        kind: 'VirtualService',
        namespace: 'default',
        name: 'reviews',
        field: 'spec.http[0].route[0].weight',
        message: undefined,
      },
    );
  });
});

test('Should report a YAML syntax error with its line', async () => {
  await withFiles({ 'broken.yaml': 'apiVersion: v1\nkind: [unclosed\nmetadata: {}\n' }, (dir) => {
    const r = runHeddle(['validate', join(dir, 'broken.yaml')]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /broken\.yaml:\d+: YAML syntax error: /);
  });
});

test('Should accept an empty file with a warning', async () => {
  await withFiles({ 'empty.yaml': '' }, (dir) => {
    const r = runHeddle(['validate', join(dir, 'empty.yaml')]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /empty\.yaml:1: warning: the file holds no resources/);
  });
});

test('Should fail with a clear error on stderr for a path that does not exist', () => {
  const r = runHeddle(['validate', '/nonexistent/heddle.yaml']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /heddle: \/nonexistent\/heddle\.yaml: no such file or directory/);
});

test('Should show usage for validate --help', () => {
  const r = runHeddle(['validate', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: heddle validate/);
});

test('Should fail when a directory holds no config files, so a wrong path cannot pass', async () => {
  await withFiles({ 'notes.txt': 'hello' }, (dir) => {
    const r = runHeddle(['validate', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /heddle: no config files \(\*\.yaml, \*\.yml, \*\.json\) found in /);
  });
});

test('Should stop quietly when its output pipe closes early', async () => {
  const bad = Array.from({ length: 200 }, (_, i) => VS.replace('name: reviews', `name: r${i}`).replace('subset: v1', 'subset: V1')).join('---\n');
  await withFiles({ 'many.yaml': bad }, (dir) => {
    const r = spawnSync('sh', ['-c', `node "${HEDDLE_BIN}" validate "${join(dir, 'many.yaml')}" | head -1`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
  });
});
