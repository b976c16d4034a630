// A Heddle process started by `heddle up` ends itself once that parent is gone: it polls its
// parent pid and sends itself SIGTERM, so the command's own graceful stop runs.

/** What the watch needs of the process; injected for tests. */
export interface WatchedProcess {
  readonly pid: number;
  /** The current parent pid (getppid). */
  ppid(): number;
  kill(pid: number, signal: NodeJS.Signals): void;
  /** Whether a process `pid` exists (kill with signal 0). */
  exists(pid: number): boolean;
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
  exists: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/**
 * Starts watching when `parentPid` names this process's parent; returns whether it did. A
 * parent that died before the watch started (while this process was loading) counts as gone at
 * once. The watch stops at the first SIGTERM it sends, and its timer never keeps the process alive.
 */
export function watchParent(options: ParentWatchOptions): boolean {
  const parent = Number(options.parentPid);
  const proc = options.proc ?? realProcess;
  if (!Number.isInteger(parent) || parent <= 1) return false;
  let orphaned = false;
  const orphan = () => {
    orphaned = true;
    options.onOrphaned?.(parent);
    proc.kill(proc.pid, 'SIGTERM');
  };
  if (proc.ppid() !== parent) {
    // Already reparented: the parent is gone. Otherwise something stands between us (a wrapper
    // that forked), and that is not a parent we can watch reliably.
    if (!proc.exists(parent)) {
      orphan();
      return true;
    }
    return false;
  }
  const every = options.setInterval ?? ((cb: () => void, ms: number) => setInterval(cb, ms));
  every(() => {
    if (!orphaned && proc.ppid() !== parent) orphan();
  }, options.intervalMs ?? 1000).unref();
  return true;
}
