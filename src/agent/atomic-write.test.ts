import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFilesAtomic } from './atomic-write.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-atomic-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('writeFileAtomic', () => {
  it('Should give the file exactly the mode asked for, whatever the umask', () =>
    withDir(async (dir) => {
      const previous = process.umask(0o077);
      try {
        await writeFileAtomic(join(dir, 'public.pem'), 'public', 0o644);
        await writeFileAtomic(join(dir, 'private.pem'), 'private', 0o600);
      } finally {
        process.umask(previous);
      }
      assert.equal((await stat(join(dir, 'public.pem'))).mode & 0o777, 0o644);
      assert.equal((await stat(join(dir, 'private.pem'))).mode & 0o777, 0o600);
      assert.equal(await readFile(join(dir, 'private.pem'), 'utf8'), 'private');
    }));

  it('Should replace a file as a whole, so a reader holding the old one still reads the old contents', () =>
    withDir(async (dir) => {
      const path = join(dir, 'cert.pem');
      await writeFileAtomic(path, 'old', 0o644);
      const reader = await open(path, 'r');
      try {
        await writeFileAtomic(path, 'new', 0o644);
        assert.equal(await reader.readFile('utf8'), 'old');
      } finally {
        await reader.close();
      }
      assert.equal(await readFile(path, 'utf8'), 'new');
      assert.deepEqual(await readdir(dir), ['cert.pem'], 'no temporary file is left');
    }));

  it('Should tighten the mode of a file it replaces', () =>
    withDir(async (dir) => {
      const path = join(dir, 'key.pem');
      await writeFile(path, 'loose', { mode: 0o666 });
      await writeFileAtomic(path, 'tight', 0o600);
      assert.equal((await stat(path)).mode & 0o777, 0o600);
    }));
});

describe('writeFilesAtomic', () => {
  it('Should keep every previous file and leave no temporary file when one of them cannot be replaced', () =>
    withDir(async (dir) => {
      await writeFile(join(dir, 'a.pem'), 'old a');
      // A non-empty directory cannot be renamed over.
      await mkdir(join(dir, 'b.pem'));
      await writeFile(join(dir, 'b.pem', 'inside'), 'x');
      await assert.rejects(writeFilesAtomic([
        { path: join(dir, 'b.pem'), data: 'new b', mode: 0o644 },
        { path: join(dir, 'a.pem'), data: 'new a', mode: 0o644 },
      ]));
      assert.equal(await readFile(join(dir, 'a.pem'), 'utf8'), 'old a');
      assert.deepEqual((await readdir(dir)).sort(), ['a.pem', 'b.pem']);
    }));

  it('Should throw when the directory does not exist, writing nothing', async () => {
    await assert.rejects(writeFileAtomic(join(tmpdir(), 'heddle-no-such-dir-4f1c', 'x.pem'), 'x', 0o644), { code: 'ENOENT' });
  });
});
