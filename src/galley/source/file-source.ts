// A ConfigSource over files and directories (searched for *.yaml, *.yml and *.json), or stdin.
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { parseConfigText } from '../parse/index.js';
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

/** Lists the config files under `path` (itself if it is a file), sorted, and the directories seen. */
async function expand(path: string, files: string[], dirs: string[], explicit: boolean): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    if (explicit) throw new ConfigPathError(path, 'no such file or directory', { cause: err });
    return;
  }
  if (info.isDirectory()) {
    dirs.push(path);
    const names = (await readdir(path)).sort();
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const full = join(path, name);
      const sub = await stat(full).catch(() => undefined);
      if (sub?.isDirectory()) await expand(full, files, dirs, false);
      else if (CONFIG_EXTENSIONS.has(extname(name).toLowerCase())) files.push(full);
    }
  } else if (info.isFile()) {
    files.push(path);
  } else if (explicit) {
    throw new ConfigPathError(path, 'not a file or directory');
  }
}

/** Creates a source that reads the given files and directories, and watches them for changes. */
export function createFileSource(opts: FileSourceOptions): ConfigSource {
  const debounceMs = opts.debounceMs ?? 100;
  const readStdin = opts.readStdin ?? readAllStdin;
  const fileStates = new Map<string, string>(); // path -> last content read

  async function scan(): Promise<{ files: string[]; dirs: string[] }> {
    const files: string[] = [];
    const dirs: string[] = [];
    for (const p of opts.paths) if (p !== STDIN) await expand(p, files, dirs, true);
    return { files: [...new Set(files)], dirs };
  }

  async function readUnit(path: string): Promise<ConfigUnit> {
    const text = await readFile(path, 'utf8');
    fileStates.set(path, text);
    return { id: path, parsed: parseConfigText(text, path) };
  }

  return {
    description: `files: ${opts.paths.join(', ')}`,

    async list() {
      const units: ConfigUnit[] = [];
      if (opts.paths.includes(STDIN)) {
        const text = await readStdin();
        units.push({ id: STDIN, parsed: parseConfigText(text, STDIN) });
      }
      const { files } = await scan();
      for (const f of files) units.push(await readUnit(f));
      return units;
    },

    watch(onChange, onError): StopWatching {
      const watchers = new Map<string, FSWatcher>();
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
          const { files, dirs } = await scan().catch(() => ({ files: [] as string[], dirs: [] as string[] }));
          watchAll(dirs, files);
          const changes: ConfigUnit[] = [];
          const present = new Set(files);
          for (const f of files) {
            const text = await readFile(f, 'utf8').catch(() => undefined);
            if (text === undefined) {
              present.delete(f);
              continue;
            }
            if (fileStates.get(f) === text) continue;
            fileStates.set(f, text);
            changes.push({ id: f, parsed: parseConfigText(text, f) });
          }
          for (const f of [...fileStates.keys()]) {
            if (!present.has(f)) {
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

      const watchAll = (dirs: string[], files: string[]): void => {
        // Explicit files are watched through their directory, so that editors that replace files are seen.
        const wanted = new Set([...dirs, ...files.filter((f) => opts.paths.includes(f)).map((f) => dirname(f))]);
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

      // Changes made between list() and the watchers being in place are caught by a first rescan.
      void scan().then(({ files, dirs }) => {
        watchAll(dirs, files);
        return rescan();
      }, onError);
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        for (const w of watchers.values()) w.close();
        watchers.clear();
      };
    },
  };
}
