// Replaces files all at once (temp file, then rename), so a reader sees the old or the new
// contents of each, never a part of either.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** One file to replace. */
export interface AtomicFile {
  readonly path: string;
  readonly data: string | Uint8Array;
  /** The file's mode, set exactly (the umask does not apply). */
  readonly mode: number;
}

/**
 * Replaces each file in `files`: every one is first written and synced to a temporary file beside
 * it, then all are renamed over their targets, in order, back to back. So each target holds its
 * old or its new contents, and the moment in which some are new and others old is as short as a
 * few renames. On failure the temporary files are removed and the error is thrown; targets not
 * yet renamed keep their previous contents.
 */
export async function writeFilesAtomic(files: readonly AtomicFile[]): Promise<void> {
  const temps: string[] = [];
  try {
    for (const file of files) {
      // Beside the target, so the rename stays within one file system and is atomic.
      const temp = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      temps.push(temp);
      const handle = await open(temp, 'wx', file.mode);
      try {
        // open() applies the umask; chmod sets the mode asked for.
        await handle.chmod(file.mode);
        await handle.writeFile(file.data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const [i, file] of files.entries()) await rename(temps[i]!, file.path);
  } catch (err) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw err;
  }
}

/** Replaces one file atomically; see {@link writeFilesAtomic}. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  return writeFilesAtomic([{ path, data, mode }]);
}
