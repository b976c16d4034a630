import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mergeSections } from './results-file.js';

const PREVIOUS = `# Benchmark results

Written by someone.

### xDS generation for one sidecar (median of 5 rounds)

| a |
| --- |
| 1 |

Note about generation.

### Proxy pair, TCP bulk transfer (4 connections × 32 MB)

| old |
`;

describe('mergeSections', () => {
  it('Should keep the sections of benchmarks that did not run and replace those that did', () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-file-test-'));
    try {
      const path = join(dir, 'RESULTS.md');
      writeFileSync(path, PREVIOUS);
      const fresh = { title: 'Proxy pair, TCP bulk transfer (4 connections × 64 MB)', text: '### Proxy pair, TCP bulk transfer (4 connections × 64 MB)\n\n| new |\n' };
      const merged = mergeSections(path, [fresh]);
      assert.equal(merged.length, 2);
      assert.match(merged[0]!, /^### xDS generation for one sidecar \(median of 5 rounds\)\n/);
      assert.match(merged[0]!, /Note about generation\.\n/);
      assert.equal(merged[1], fresh.text);
      assert.ok(merged[0]!.endsWith('Note about generation.\n'), 'trailing blank lines are not carried over');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Should put a rerun section where its previous version stood, and a new family last', () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-file-test-'));
    try {
      const path = join(dir, 'RESULTS.md');
      writeFileSync(path, PREVIOUS);
      const rerun = { title: 'xDS generation for one sidecar (median of 7 rounds)', text: '### xDS generation for one sidecar (median of 7 rounds)\n\n| rerun |\n' };
      const added = { title: 'Something new (x)', text: '### Something new (x)\n' };
      const merged = mergeSections(path, [added, rerun]);
      assert.equal(merged.length, 3);
      assert.equal(merged[0], rerun.text);
      assert.match(merged[1]!, /^### Proxy pair, TCP bulk transfer \(4 connections × 32 MB\)\n\n\| old \|/);
      assert.equal(merged[2], added.text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Should return only the new sections when there is no previous file', () => {
    const merged = mergeSections(join(tmpdir(), 'no-such-results-file.md'), [{ title: 'A (x)', text: '### A (x)\n' }]);
    assert.deepEqual(merged, ['### A (x)\n']);
  });
});
