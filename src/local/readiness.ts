// Waits for a process of the local mesh to be ready: an HTTP endpoint that answers 200, or a port that accepts.
import { connect } from 'node:net';
import { runCommand } from '../interception/command-runner.js';
import type { Readiness } from './mesh-plan.js';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** A reason to give up early (the process exited, say), checked between probes. */
  readonly failure?: () => string | undefined;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export type WaitResult = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** One probe: true when ready. */
export async function probe(readiness: Readiness): Promise<boolean> {
  if (readiness.kind === 'http') {
    try {
      const res = await fetch(readiness.url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }
  if (readiness.netns !== undefined) {
    // Node cannot enter a namespace; bash's /dev/tcp connects from inside it, past the capture rules (lo is never captured).
    // No start-up scripts: bash runs ~/.bashrc when its stdin is a socket (as ours is), and BASH_ENV's script always.
    const r = await runCommand('ip', ['netns', 'exec', readiness.netns, 'env', '-i', 'bash', '--norc', '--noprofile', '-c', `exec 3<>/dev/tcp/${readiness.host}/${readiness.port}`]);
    return r.code === 0;
  }
  return new Promise((resolve) => {
    const socket = connect({ host: readiness.host, port: readiness.port });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Probes until ready, until `failure` gives a reason, or until the timeout. */
export async function waitForReady(readiness: Readiness, opts: WaitOptions): Promise<WaitResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + opts.timeoutMs;
  for (;;) {
    const failed = opts.failure?.();
    if (failed !== undefined) return { ready: false, reason: failed };
    if (await probe(readiness)) return { ready: true };
    if (now() >= deadline) return { ready: false, reason: `not ready within ${opts.timeoutMs / 1000} s (${describe(readiness)})` };
    await sleep(opts.intervalMs ?? 100);
  }
}

/** `http://127.0.0.1:15000/ready`, `127.0.0.1:9080`, or `127.0.0.1:9080 in heddle-0ae900-details-v1`. */
export function describe(readiness: Readiness): string {
  if (readiness.kind === 'http') return readiness.url;
  return `${readiness.host}:${readiness.port}${readiness.netns === undefined ? '' : ` in ${readiness.netns}`}`;
}
