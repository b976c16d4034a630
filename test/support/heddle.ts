// Runs the real heddle command for e2e tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (compiled tests live in dist/test/...). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const HEDDLE_BIN = fileURLToPath(new URL('../../../bin/heddle.js', import.meta.url));
/** The entry the tests run: `$HEDDLE_DIST/src/cli/main.js` when HEDDLE_DIST names a build, else bin/heddle.js. */
const HEDDLE_ENTRY = process.env.HEDDLE_DIST ? `${process.env.HEDDLE_DIST}/src/cli/main.js` : HEDDLE_BIN;

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `heddle ARGS...` to completion (at most 60 s) and returns its exit status and output. */
export function runHeddle(args: readonly string[], opts: { input?: string; cwd?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [HEDDLE_ENTRY, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts a long-running `heddle ARGS...`; the caller must stop it. Its output always flows, and
 * what no listener takes is dropped: a full pipe would otherwise block the process on its next
 * log line. Attach listeners (or {@link waitForLog}) before the output of interest is written.
 */
export function startHeddle(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, [HEDDLE_ENTRY, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** Resolves with the first JSON log line from `child`'s stderr that satisfies `match`. */
export function waitForLog(child: ChildProcess, match: (line: Record<string, unknown>) => boolean, ms = 15_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let seen = '';
    const timer = setTimeout(() => {
      child.stderr?.off('data', onData);
      reject(new Error(`no matching log line within ${ms} ms; saw:\n${seen}`));
    }, ms);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      seen += chunk.toString('utf8');
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (match(parsed)) {
            clearTimeout(timer);
            child.stderr?.off('data', onData);
            resolve(parsed);
            return;
          }
        } catch {
          // not a JSON line
        }
      }
    };
    child.stderr?.on('data', onData);
  });
}

/** Sends SIGTERM and waits (at most 10 s, then SIGKILL) for the process to exit. */
export function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
