import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSource, ConfigPathError } from './file-source.js';
import type { ConfigUnit } from './config-source.js';

const DR = (name: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}}
spec: {host: ${name}}
`;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-source-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('Should read nested directories in sorted order and skip hidden and foreign files', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'b.yaml'), DR('b'));
    await writeFile(join(dir, 'sub', 'a.yml'), DR('a'));
    await writeFile(join(dir, '.#lock.yaml'), 'garbage: [');
    await writeFile(join(dir, 'notes.md'), '# notes');
    const units = await createFileSource({ paths: [dir] }).list();
    assert.deepEqual(units.map((u) => u.id), [join(dir, 'b.yaml'), join(dir, 'sub', 'a.yml')]);
  });
});

test('Should report a dangling link as an unreadable file and still load the others', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'a.yaml'), DR('a'));
    await symlink(join(dir, 'nowhere.yaml'), join(dir, 'dangling.yaml'));
    const units = await createFileSource({ paths: [dir] }).list();
    const dangling = units.find((u) => u.id.endsWith('dangling.yaml'));
    assert.match(dangling?.parsed?.fileIssues[0]?.message ?? '', /cannot read the file: no such file/);
    assert.equal(units.find((u) => u.id.endsWith('a.yaml'))?.parsed?.results[0]?.status, 'valid');
  });
});

test('Should visit a directory once when a symlink loops back to it', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'a.yaml'), DR('a'));
    await symlink(dir, join(dir, 'self'));
    const units = await createFileSource({ paths: [dir] }).list();
    assert.equal(units.length, 1);
  });
});

test('Should refuse a path that does not exist when listing', async () => {
  await assert.rejects(createFileSource({ paths: ['/nonexistent/heddle'] }).list(), ConfigPathError);
});

test('Should keep a root that disappears serving, and pick it up again when it returns', async () => {
  await withDir(async (dir) => {
    const root = join(dir, 'config');
    await mkdir(root);
    await writeFile(join(root, 'a.yaml'), DR('a'));
    const source = createFileSource({ paths: [root], debounceMs: 20 });
    await source.list();
    const changes: ConfigUnit[][] = [];
    const errors: Error[] = [];
    let notify: () => void = () => {};
    const stop = source.watch(
      (c) => {
        changes.push(c);
        notify();
      },
      (e) => {
        errors.push(e);
        notify();
      },
    );
    const next = (what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${what} in time`)), 5000);
        notify = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    try {
      const seen = next('error');
      await rename(root, join(dir, 'moved'));
      await seen;
      assert.match(errors[0]?.message ?? '', /is gone; its last config keeps serving/);
      assert.equal(changes.length, 0, 'nothing is removed while the root is gone');
      await mkdir(root);
      await writeFile(join(root, 'b.yaml'), DR('b'));
      const deadline = Date.now() + 5000;
      while (!changes.flat().some((u) => u.id.endsWith('b.yaml')) && Date.now() < deadline) await next('change').catch(() => {});
      const ids = changes.flat().map((u) => `${u.id.slice(root.length + 1)}:${u.parsed ? 'set' : 'removed'}`).sort();
      assert.deepEqual(ids, ['a.yaml:removed', 'b.yaml:set']);
    } finally {
      stop();
    }
  });
});
