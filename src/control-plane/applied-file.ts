// Applied config kept in one YAML file (`heddle control-plane --applied-file`), so that it
// survives a restart of the control plane. The file is replaced whole, through a rename.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AppliedStore } from './applied-config.js';

/** A store in the file at `path`; a missing file holds nothing. */
export function createAppliedFile(path: string): AppliedStore {
  return {
    name: path,
    load() {
      try {
        return readFileSync(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    save(yaml) {
      // A reader (or a crash) sees the old file or the new one, never half of one.
      const next = `${path}.${process.pid}.tmp`;
      try {
        writeFileSync(next, yaml);
        renameSync(next, path);
      } catch (err) {
        rmSync(next, { force: true });
        throw err;
      }
    },
  };
}
