// Child processes of the proxy benchmarks: start one, wait for a JSON line it prints, stop it.
import { spawn, type ChildProcess } from 'node:child_process';

const tails = new WeakMap<ChildProcess, string>();
const TAIL_CHARS = 4000;

/**
 * Starts `command ARGS...` with stdout and stderr piped and always drained (a full pipe would stall
 * the child under load); the caller must stop it.
 */
export function startChild(command: string, args: readonly string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  tails.set(child, '');
  child.stderr?.on('data', (chunk: Buffer) => tails.set(child, ((tails.get(child) ?? '') + chunk.toString('utf8')).slice(-TAIL_CHARS)));
  child.stdout?.resume();
  return child;
}

/** The last few thousand characters `child` wrote to stderr, for error reports. */
export function stderrTail(child: ChildProcess): string {
  return tails.get(child) ?? '';
}

/**
 * Resolves with the first JSON line on `child`'s `stream` that satisfies `match`; rejects after
 * `ms`, or when the child exits first, quoting what it printed.
 */
export function waitForJson(child: ChildProcess, stream: 'stdout' | 'stderr', match: (line: Record<string, unknown>) => boolean, ms = 20_000): Promise<Record<string, unknown>> {
  const source = child[stream];
  return new Promise((resolve, reject) => {
    let buffer = '';
    let seen = '';
    const done = (err: Error | undefined, line?: Record<string, unknown>) => {
      clearTimeout(timer);
      source?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(line!);
    };
    const timer = setTimeout(() => done(new Error(`no matching line within ${ms} ms; saw:\n${seen.slice(-2000)}`)), ms);
    const onExit = (code: number | null) => done(new Error(`exited (${code}) before the expected line; saw:\n${seen.slice(-2000)}`));
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      buffer += text;
      seen += text;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (match(parsed)) return done(undefined, parsed);
        } catch {
          // not JSON after all
        }
      }
    };
    source?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Sends SIGTERM and waits (at most 5 s, then SIGKILL) for `child` to exit. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
