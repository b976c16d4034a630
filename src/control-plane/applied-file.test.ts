import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppliedFile } from './applied-file.js';

test('Should hold nothing before the first save, then give back exactly what was saved, leaving no temporary file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heddle-applied-'));
  try {
    const store = createAppliedFile(join(dir, 'applied.yaml'));
    assert.equal(store.name, join(dir, 'applied.yaml'));
    assert.equal(store.load(), undefined);
    store.save('kind: A\n---\nkind: B\n');
    store.save('kind: C\n');
    assert.equal(store.load(), 'kind: C\n');
    assert.deepEqual(readdirSync(dir), ['applied.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Should throw for a file it cannot read other than a missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heddle-applied-'));
  try {
    assert.throws(() => createAppliedFile(dir).load(), /EISDIR/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Should leave no temporary file behind when the rename fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heddle-applied-'));
  try {
    // A directory where the file should be: the temporary file is written, the rename fails.
    mkdirSync(join(dir, 'applied.yaml'));
    assert.throws(() => createAppliedFile(join(dir, 'applied.yaml')).save('kind: A\n'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(readdirSync(dir), ['applied.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
