// A ConfigSource over files and directories (searched for *.yaml, *.yml and *.json), or stdin.
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { createIssue } from '../issue.js';
import { parseConfigText, type ParsedFile } from '../parse/index.js';
import type { ConfigSource, ConfigUnit, StopWatching } from './config-source.js';

const CONFIG_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** The name a unit read from stdin carries. */
export const STDIN = '-';

export interface FileSourceOptions {
  /** Files, directories, or `-` for stdin. */
  readonly paths: readonly string[];
  /** How long to wait for a burst of file events to settle, in ms. Default 100. */
  readonly debounceMs?: number;
  /** Reads stdin; injectable for tests. */
  readonly readStdin?: () => Promise<string>;
}

/** An error reading a path that was asked for, such as a missing file. */
export class ConfigPathError extends Error {
  readonly code = 'CONFIG_PATH';
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.name = 'ConfigPathError';
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** What one scan of the paths found. */
interface Scan {
  readonly files: string[];
  readonly dirs: string[];
  /** Explicit paths that do not exist (now). */
  readonly missing: string[];
}

/**
 * Lists the config files under `path` (itself if it is a file). Unreadable entries with a config
 * extension (a dangling symlink, say) are listed too, so that reading them reports the problem.
 * Directories are visited once by real path, so symlink loops end.
 */
async function expand(path: string, scan: Scan, seen: Set<string>): Promise<void> {
  const info = await stat(path);
  if (!info.isDirectory()) {
    scan.files.push(path);
    return;
  }
  const real = await realpath(path);
  if (seen.has(real)) return;
  seen.add(real);
  scan.dirs.push(path);
  for (const name of (await readdir(path)).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(path, name);
    const sub = await stat(full).catch(() => undefined);
    if (sub?.isDirectory()) await expand(full, scan, seen);
    else if (CONFIG_EXTENSIONS.has(extname(name).toLowerCase())) scan.files.push(full);
  }
}

async function scanPaths(paths: readonly string[]): Promise<Scan> {
  const scan: Scan = { files: [], dirs: [], missing: [] };
  const seen = new Set<string>();
  for (const p of paths) {
    if (p === STDIN) continue;
    try {
      await expand(p, scan, seen);
    } catch {
      scan.missing.push(p);
    }
  }
  return { ...scan, files: [...new Set(scan.files)] };
}

/** A unit for a file that could not be read: one error, so the rest still loads. */
function unreadable(file: string, err: unknown): ParsedFile {
  const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (a dangling link?)' : (err as Error).message;
  return { file, results: [], fileIssues: [createIssue('error', [], `cannot read the file: ${reason}`, { location: { file, line: 1 } })] };
}

/** Creates a source that reads the given files and directories, and watches them for changes. */
export function createFileSource(opts: FileSourceOptions): ConfigSource {
  const debounceMs = opts.debounceMs ?? 100;
  const readStdin = opts.readStdin ?? readAllStdin;
  const fileStates = new Map<string, string>(); // path -> last content applied

  /** Reads and parses a file; `state` is its text, or a marker of why it could not be read. */
  async function readUnit(path: string): Promise<{ unit: ConfigUnit; state: string }> {
    try {
      const text = await readFile(path, 'utf8');
      return { unit: { id: path, parsed: parseConfigText(text, path) }, state: text };
    } catch (err) {
      return { unit: { id: path, parsed: unreadable(path, err) }, state: `\0unreadable: ${(err as Error).message}` };
    }
  }

  /** The directories the last list() found, watched as soon as watch() is called. */
  let listedDirs: string[] = [];

  return {
    description: `files: ${opts.paths.join(', ')}`,

    async list() {
      const units: ConfigUnit[] = [];
      if (opts.paths.includes(STDIN)) units.push({ id: STDIN, parsed: parseConfigText(await readStdin(), STDIN) });
      const { files, dirs, missing } = await scanPaths(opts.paths);
      if (missing.length > 0) throw new ConfigPathError(missing[0]!, 'no such file or directory');
      listedDirs = dirs;
      for (const f of files) {
        const { unit, state } = await readUnit(f);
        fileStates.set(f, state);
        units.push(unit);
      }
      return units;
    },

    watch(onChange, onError): StopWatching {
      const watchers = new Map<string, FSWatcher>();
      const reportedMissing = new Set<string>();
      let timer: NodeJS.Timeout | undefined;
      let running = false;
      let again = false;
      let stopped = false;

      const rescan = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          const { files, dirs, missing } = await scanPaths(opts.paths);
          if (stopped) return;
          watchAll(dirs);
          for (const m of missing) {
            if (!reportedMissing.has(m)) onError(new ConfigPathError(m, 'is gone; its last config keeps serving until it is back'));
          }
          reportedMissing.clear();
          missing.forEach((m) => reportedMissing.add(m));
          const changes: ConfigUnit[] = [];
          const present = new Set(files);
          for (const f of files) {
            const { unit, state } = await readUnit(f);
            if (fileStates.get(f) === state) continue;
            fileStates.set(f, state);
            changes.push(unit);
          }
          for (const f of [...fileStates.keys()]) {
            // A file under a root that is gone keeps serving; one removed from a live root is removed.
            const underMissingRoot = missing.some((m) => f === m || f.startsWith(`${m}/`));
            if (!present.has(f) && !underMissingRoot) {
              fileStates.delete(f);
              changes.push({ id: f });
            }
          }
          if (changes.length > 0 && !stopped) onChange(changes);
        } catch (err) {
          onError(err as Error);
        } finally {
          running = false;
          if (again && !stopped) {
            again = false;
            schedule();
          }
        }
      };

      const schedule = (): void => {
        if (stopped) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void rescan(), debounceMs);
      };

      const watchAll = (dirs: string[]): void => {
        if (stopped) return;
        // Each explicit path is also watched through its parent, so that a replaced file or a
        // directory that is removed and created again is seen.
        const parents = opts.paths.filter((p) => p !== STDIN).map((p) => dirname(p));
        const wanted = new Set([...dirs, ...parents]);
        for (const [p, w] of watchers) {
          if (!wanted.has(p)) {
            w.close();
            watchers.delete(p);
          }
        }
        for (const p of wanted) {
          if (watchers.has(p)) continue;
          try {
            const w = fsWatch(p, { persistent: true }, schedule);
            w.on('error', () => {
              w.close();
              watchers.delete(p);
              schedule();
            });
            watchers.set(p, w);
          } catch {
            // The path vanished between the scan and the watch; the next scan sees it.
          }
        }
      };

      // Watch what list() saw right away, so that a change made as soon as watch() returns is seen;
      // changes made between list() and now are caught by a first rescan.
      watchAll(listedDirs);
      void rescan();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        for (const w of watchers.values()) w.close();
        watchers.clear();
      };
    },
  };
}
