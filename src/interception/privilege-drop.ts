// Capture mode's privilege drop: a proxy started as root becomes the proxy uid/gid (1337), which
// the capture rules exclude, before it opens any connection; otherwise it would capture itself.

/** The process calls this needs; `process` by default, a fake in tests. */
export interface ProcessCredentials {
  getuid(): number;
  getgid(): number;
  setuid(id: number): void;
  setgid(id: number): void;
  setgroups?(groups: number[]): void;
}

/** The proxy's identity under capture. */
export interface ProxyCredentials {
  readonly uid: number;
  readonly gid: number;
}

export type PrivilegeDropOutcome =
  /** Was root; now runs as `uid`/`gid` with no supplementary groups. */
  | { readonly ok: true; readonly action: 'dropped' }
  /** Already the proxy uid: nothing to do. */
  | { readonly ok: true; readonly action: 'already' }
  /** Neither root nor the proxy uid: the rules must exclude this uid some other way. */
  | { readonly ok: true; readonly action: 'unprivileged'; readonly uid: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Switches to `target` when running as root: supplementary groups cleared, then the gid, then the
 * uid (the other order would leave no right to change the gid). Reports what it did; a failure
 * to switch is `ok: false` with the reason, and the caller must not go on.
 */
export function dropPrivileges(target: ProxyCredentials, proc: ProcessCredentials = process as unknown as ProcessCredentials): PrivilegeDropOutcome {
  const uid = proc.getuid();
  if (uid === target.uid) return { ok: true, action: 'already' };
  if (uid !== 0) return { ok: true, action: 'unprivileged', uid };
  try {
    proc.setgroups?.([target.gid]);
    proc.setgid(target.gid);
    proc.setuid(target.uid);
  } catch (err) {
    return { ok: false, reason: `could not switch to uid ${target.uid} gid ${target.gid}: ${(err as Error).message}` };
  }
  if (proc.getuid() !== target.uid || proc.getgid() !== target.gid) {
    return { ok: false, reason: `still uid ${proc.getuid()} gid ${proc.getgid()} after switching to ${target.uid}/${target.gid}` };
  }
  return { ok: true, action: 'dropped' };
}
