// Collects what a child process writes, line by line, for tests to read while it runs.
import type { ChildProcess } from 'node:child_process';

/** Appends each complete line of `child`'s stdout to `into` for as long as it runs; reading also keeps the pipe from filling. */
export function collectLines(child: ChildProcess, into: string[]): void {
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    into.push(...lines);
  });
}

/** Appends each JSON line of `child`'s stderr to `into`, parsed, for as long as it runs; other lines are skipped. */
export function collectLogs(child: ChildProcess, into: Record<string, unknown>[]): void {
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        into.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a JSON line
      }
    }
  });
}
