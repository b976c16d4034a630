// Runs a system tool (iptables, ip) to completion; injected wherever it is used, so tests need no root.
import { spawn } from 'node:child_process';

/** The outcome of one command; `missing` when the binary does not exist. */
export interface CommandOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly missing: boolean;
}

/** Runs a command to completion with `input` on stdin; injected so tests need no root. */
export type CommandRunner = (file: string, args: readonly string[], input?: string) => Promise<CommandOutcome>;

/** The real runner: spawns `file`, collects its output, and reports ENOENT as `missing`. */
export const runCommand: CommandRunner = (file, args, input) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') resolve({ code: null, stdout, stderr, missing: true });
      else reject(err);
    });
    child.once('close', (code) => resolve({ code, stdout, stderr, missing: false }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
