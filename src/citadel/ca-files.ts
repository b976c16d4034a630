// Files in the CA directory: written atomically, secrets with mode 0600 from the first byte.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** How {@link writeFileAtomic} places the file. */
export interface AtomicWriteOptions {
  /** File mode, set before any data is written (0o600 for keys). */
  readonly mode: number;
  /** Keep an existing file instead of replacing it; resolves false when one was already there. */
  readonly noClobber?: boolean;
}

/**
 * Writes `data` to `path` so that readers see either no file or the whole file: a temporary file
 * in the same directory, created with `mode`, synced, then renamed (or linked, with `noClobber`).
 * Resolves true when `path` now holds `data`.
 */
export async function writeFileAtomic(path: string, data: string, opts: AtomicWriteOptions): Promise<boolean> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', opts.mode);
  try {
    // open's mode is filtered by the umask; set it explicitly so a lax umask cannot widen it.
    await handle.chmod(opts.mode);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (!opts.noClobber) {
      await rename(tmp, path);
      return true;
    }
    try {
      await link(tmp, path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** The text of `path`, or undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
