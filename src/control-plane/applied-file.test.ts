import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
