import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenFileSource } from './token-file.js';

describe('createTokenFileSource', () => {
  it('Should read the token afresh on every call, so a refreshed file is used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heddle-token-'));
    try {
      const path = join(dir, 'token');
      const token = createTokenFileSource(path);
      writeFileSync(path, 'first\n');
      assert.equal(await token(), 'first');
      writeFileSync(path, 'second');
      assert.equal(await token(), 'second');
      writeFileSync(path, '  \n');
      await assert.rejects(token(), /is empty/);
      rmSync(path);
      await assert.rejects(token(), /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
