// How the local mesh's children end when `heddle up` dies without stopping them (SIGKILL, a
// crash): Heddle's own processes are told the parent's pid and watch for it to go; any other
// command is started through setpriv with a parent-death signal, when setpriv is installed.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { PlannedProcess } from './mesh-plan.js';

/** The environment variable that tells a Heddle process the pid of the `heddle up` that started it. */
export const PARENT_PID_ENV = 'HEDDLE_PARENT_PID';

/** The command line and environment a planned process is spawned with. */
export interface SpawnLine {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** Whether `setpriv` takes `--pdeathsig` (util-linux 2.33 and later; 2.32 has setpriv without it). */
export type PdeathsigProbe = (setpriv: string) => boolean;

const probePdeathsig: PdeathsigProbe = (setpriv) => spawnSync(setpriv, ['--pdeathsig', 'TERM', '--', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;

/** The first executable `setpriv` on `path` (util-linux) that takes `--pdeathsig`, or undefined. */
export function findSetpriv(path: string | undefined = process.env['PATH'], probe: PdeathsigProbe = probePdeathsig): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    return probe(candidate) ? candidate : undefined;
  }
  return undefined;
}

/**
 * `planned`'s spawn line with a lifeline to `parentPid`. A Heddle process gets `HEDDLE_PARENT_PID`
 * and watches for itself (see parent-watch.ts): a proxy that drops to the proxy uid loses any
 * parent-death signal, because the kernel clears it on a credential change. An app is wrapped
 * in `setpriv --pdeathsig TERM`, which survives the exec of the app (and of `ip netns exec`); without
 * setpriv the app is spawned as it is.
 */
export function withParentLifeline(planned: PlannedProcess, parentPid: number, setpriv: string | undefined): SpawnLine {
  if (planned.role !== 'app') {
    return { command: planned.command, args: planned.args, env: { ...planned.env, [PARENT_PID_ENV]: String(parentPid) } };
  }
  if (setpriv === undefined) return { command: planned.command, args: planned.args, env: planned.env };
  return { command: setpriv, args: ['--pdeathsig', 'TERM', '--', planned.command, ...planned.args], env: planned.env };
}
