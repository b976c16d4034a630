// A Heddle process started by `heddle up` ends itself once that parent is gone: it polls its
// parent pid and sends itself SIGTERM, so the command's own graceful stop runs.

/** What the watch needs of the process; injected for tests. */
export interface WatchedProcess {
  readonly pid: number;
  /** The current parent pid (getppid). */
  ppid(): number;
  kill(pid: number, signal: NodeJS.Signals): void;
}

export interface ParentWatchOptions {
  /** The value of HEDDLE_PARENT_PID, if set. */
  readonly parentPid: string | undefined;
  readonly proc?: WatchedProcess;
  readonly intervalMs?: number;
  readonly setInterval?: (callback: () => void, ms: number) => { unref(): unknown };
  /** Told once, when the parent is found gone. */
  readonly onOrphaned?: (parentPid: number) => void;
}

const realProcess: WatchedProcess = {
  pid: process.pid,
  ppid: () => process.ppid,
  kill: (pid, signal) => process.kill(pid, signal),
};

/**
 * Starts watching when `parentPid` names this process's parent; returns whether it did. The
 * watch stops at the first SIGTERM it sends, and its timer never keeps the process alive.
 */
export function watchParent(options: ParentWatchOptions): boolean {
  const parent = Number(options.parentPid);
  const proc = options.proc ?? realProcess;
  // Anything else (unset, garbage, a wrapper in between) is not a parent we can watch reliably.
  if (!Number.isInteger(parent) || parent <= 1 || proc.ppid() !== parent) return false;
  let orphaned = false;
  const every = options.setInterval ?? ((cb: () => void, ms: number) => setInterval(cb, ms));
  every(() => {
    if (orphaned || proc.ppid() === parent) return;
    orphaned = true;
    options.onOrphaned?.(parent);
    proc.kill(proc.pid, 'SIGTERM');
  }, options.intervalMs ?? 1000).unref();
  return true;
}
