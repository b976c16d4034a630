// One child process of the local mesh: started, restarted with backoff when it crashes, and
// stopped with SIGTERM, then SIGKILL after a bound. Spawning and timers are injected for tests.
import { spawn as nodeSpawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { PlannedProcess } from './mesh-plan.js';
import { findSetpriv, withParentLifeline } from './parent-lifeline.js';

/** The part of a ChildProcess the supervisor uses. */
export interface ChildLike {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
}

export type SpawnFn = (planned: PlannedProcess) => ChildLike;
/** Sends a signal to the child (and its process group). */
export type SignalFn = (child: ChildLike, signal: NodeJS.Signals) => void;

export interface SupervisorTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

/** Istio-like restart backoff: 1 s, doubling, capped; reset after a run this long. */
export interface RestartPolicy {
  readonly restart: boolean;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly resetAfterMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = { restart: true, initialMs: 1000, maxMs: 30_000, resetAfterMs: 10_000 };

export interface SupervisorOptions {
  readonly spawn?: SpawnFn;
  readonly signal?: SignalFn;
  readonly timers?: SupervisorTimers;
  readonly policy?: RestartPolicy;
  /** Every line the process writes, without its newline. */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Told of each unexpected exit, with the delay before the restart (undefined: no restart). */
  readonly onCrash?: (code: number | null, signal: string | null, restartInMs: number | undefined) => void;
}

/** A supervised child process. */
export interface SupervisedProcess {
  readonly planned: PlannedProcess;
  /** The running child's pid, if one runs. */
  pid(): number | undefined;
  /** How many times it was restarted. */
  restarts(): number;
  start(): void;
  /** Stops restarting, sends SIGTERM, and resolves when it has exited (SIGKILL after `graceMs`). */
  stop(graceMs: number): Promise<void>;
}

let setpriv: string | undefined | null = null;

/**
 * Spawns in a process group of its own, so that Ctrl-C in the terminal reaches only `heddle up`,
 * which stops the mesh in order; with a lifeline, so that the child also ends if `heddle up` is killed.
 */
function defaultSpawn(planned: PlannedProcess): ChildLike {
  if (setpriv === null) setpriv = findSetpriv();
  const line = withParentLifeline(planned, process.pid, setpriv);
  return nodeSpawn(line.command, [...line.args], {
    cwd: planned.cwd,
    env: { ...process.env, ...line.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

function defaultSignal(child: ChildLike, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

const realTimers: SupervisorTimers = {
  setTimeout: (cb, ms) => setTimeout(cb, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

function forEachLine(stream: Readable | null, onLine: (line: string) => void): void {
  let partial = '';
  stream?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream?.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}

/** Creates the supervisor of `planned`; nothing runs until `start`. */
export function createSupervisedProcess(planned: PlannedProcess, options: SupervisorOptions): SupervisedProcess {
  const spawn = options.spawn ?? defaultSpawn;
  const signal = options.signal ?? defaultSignal;
  const timers = options.timers ?? realTimers;
  const policy = options.policy ?? DEFAULT_RESTART;
  let child: ChildLike | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  let restartTimer: unknown;
  let backoff = policy.initialMs;
  let restarts = 0;

  function run(): void {
    const startedAt = timers.now();
    const current = spawn(planned);
    child = current;
    forEachLine(current.stdout, (l) => options.onLine(l, 'stdout'));
    forEachLine(current.stderr, (l) => options.onLine(l, 'stderr'));
    let done: () => void;
    exited = new Promise((resolve) => (done = resolve));
    let finished = false;
    const onExit = (code: number | null, sig: string | null) => {
      if (finished) return;
      finished = true;
      child = undefined;
      done();
      if (stopping) return;
      if (timers.now() - startedAt >= policy.resetAfterMs) backoff = policy.initialMs;
      const delay = policy.restart ? backoff : undefined;
      options.onCrash?.(code, sig, delay);
      if (delay === undefined) return;
      backoff = Math.min(backoff * 2, policy.maxMs);
      restartTimer = timers.setTimeout(() => {
        restartTimer = undefined;
        if (stopping) return;
        restarts++;
        run();
      }, delay);
    };
    current.once('exit', onExit);
    current.once('error', (err) => {
      options.onLine(`failed to start ${planned.command}: ${err.message}`, 'stderr');
      onExit(null, null);
    });
  }

  return {
    planned,
    pid: () => child?.pid,
    restarts: () => restarts,
    start() {
      stopping = false;
      run();
    },
    async stop(graceMs) {
      stopping = true;
      if (restartTimer !== undefined) timers.clearTimeout(restartTimer);
      restartTimer = undefined;
      const running = child;
      if (!running) return;
      signal(running, 'SIGTERM');
      const kill = timers.setTimeout(() => signal(running, 'SIGKILL'), graceMs);
      await exited;
      timers.clearTimeout(kill);
    },
  };
}
