// Creates and removes the pod network of `heddle up --capture`: the bridge, each workload's
// namespace with its hosts file and istio-init's capture rules, and whatever a killed run left.
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCaptureOptions, type CaptureOptions } from '../interception/capture-options.js';
import { runCommand, type CommandRunner } from '../interception/command-runner.js';
import { createIptablesClient } from '../interception/iptables-client.js';
import { podNetworkCommands, type PodNetworkPlan } from './pod-network-plan.js';

export type PodNetworkErrorCode = 'NOT_ROOT' | 'IN_USE' | 'COMMAND_FAILED';

/** Why the pod network could not be made; `code` is stable. */
export class PodNetworkError extends Error {
  override readonly name = 'PodNetworkError';
  constructor(readonly code: PodNetworkErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Why capture mode cannot run as `uid`, or undefined when it can. */
export function captureUnavailableReason(uid: number): string | undefined {
  if (uid === 0) return undefined;
  return `capture mode needs root (this is uid ${uid}): it creates network namespaces, a bridge and iptables rules. Run it as root, or leave out --capture: explicit mode (apps use HTTP_PROXY) is the default and needs no privileges.`;
}

/** The capture rules of every pod: Istio's defaults for IPv4 (the pod network has no IPv6). */
export const POD_CAPTURE_OPTIONS: CaptureOptions = (() => {
  const parsed = parseCaptureOptions({ family: 'ipv4' });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.options;
})();

export interface PodNetworkDeps {
  readonly run?: CommandRunner;
  /** Where `ip netns exec` finds each namespace's files: /etc/netns. */
  readonly etcNetnsDir?: string;
  /** Where the run's lock (the pid of the `heddle up` that owns the CIDR) is kept: /run. */
  readonly lockDir?: string;
  readonly pid?: number;
  readonly isAlive?: (pid: number) => boolean;
  readonly kill?: (pid: number) => void;
  /** Tells the user what happens (a leftover removed, a step that failed while removing). */
  readonly note: (text: string) => void;
}

/** The pod network of one run. */
export interface PodNetwork {
  readonly plan: PodNetworkPlan;
  /**
   * Removes what a killed run with the same names left, then creates the bridge and every pod
   * namespace, writing `hosts` (text by namespace name) to /etc/netns/<ns>/hosts. Rejects with a
   * PodNetworkError when the CIDR belongs to a live run or a command fails; `remove` undoes it.
   */
  create(hosts: ReadonlyMap<string, string>): Promise<void>;
  /** Installs the capture rules in every pod namespace, as istio-init does before the pod's containers start. */
  installCapture(): Promise<void>;
  /** Cleans the rules, stops what still runs inside, deletes the namespaces, the bridge, their /etc/netns dirs and the lock. Never rejects; safe twice. */
  remove(): Promise<void>;
}

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the runtime of `plan`; nothing changes until `create`. */
export function createPodNetwork(plan: PodNetworkPlan, deps: PodNetworkDeps): PodNetwork {
  const run = deps.run ?? runCommand;
  const etcNetns = deps.etcNetnsDir ?? '/etc/netns';
  const lockFile = join(deps.lockDir ?? '/run', `heddle-${plan.runId}.pid`);
  const pid = deps.pid ?? process.pid;
  const isAlive = deps.isAlive ?? defaultIsAlive;
  const kill = deps.kill ?? ((p: number) => process.kill(p, 'SIGKILL'));
  let ownsLock = false;

  const ip = async (args: readonly string[]): Promise<void> => {
    const r = await run('ip', args);
    if (r.missing) throw new PodNetworkError('COMMAND_FAILED', 'ip not found: install iproute2');
    if (r.code !== 0) throw new PodNetworkError('COMMAND_FAILED', `ip ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  };
  const inNs = (ns: string): CommandRunner => (file, args, input) => run('ip', ['netns', 'exec', ns, file, ...args], input);

  /** This run's namespaces, bridge and /etc/netns dirs that exist now. */
  async function existing(): Promise<{ namespaces: string[]; bridge: boolean; dirs: string[] }> {
    const listed = await run('ip', ['netns', 'list']);
    const namespaces = listed.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((n) => n.startsWith(plan.nsPrefix));
    const bridge = (await run('ip', ['link', 'show', 'dev', plan.bridge])).code === 0;
    const dirs = (await readdir(etcNetns).catch(() => [] as string[])).filter((d) => d.startsWith(plan.nsPrefix));
    return { namespaces, bridge, dirs };
  }

  async function removeFound(found: { namespaces: string[]; bridge: boolean; dirs: string[] }, problems: string[]): Promise<void> {
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (err) {
        problems.push(`${what}: ${(err as Error).message}`);
      }
    };
    for (const ns of found.namespaces) {
      await attempt(`iptables clean in ${ns}`, () => createIptablesClient({ run: inNs(ns) }).clean(POD_CAPTURE_OPTIONS.families));
      const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split('\n').map(Number).filter((p) => Number.isInteger(p) && p > 0);
      for (const p of pids) await attempt(`stopping pid ${p} in ${ns}`, async () => kill(p));
      await attempt(`deleting namespace ${ns}`, () => ip(['netns', 'del', ns]));
    }
    if (found.bridge) await attempt(`deleting bridge ${plan.bridge}`, () => ip(['link', 'del', plan.bridge]));
    for (const dir of found.dirs) await attempt(`removing ${join(etcNetns, dir)}`, () => rm(join(etcNetns, dir), { recursive: true, force: true }));
  }

  async function takeLock(): Promise<void> {
    const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && isAlive(holder)) {
      throw new PodNetworkError('IN_USE', `pod CIDR ${plan.cidr.text} is in use by another heddle up (pid ${holder}); choose another with --pod-cidr`);
    }
    await writeFile(lockFile, `${pid}\n`);
    ownsLock = true;
  }

  return {
    plan,
    async create(hosts) {
      await takeLock();
      const leftover = await existing();
      if (leftover.namespaces.length + leftover.dirs.length > 0 || leftover.bridge) {
        const what = [...(leftover.bridge ? [`bridge ${plan.bridge}`] : []), ...leftover.namespaces.map((n) => `namespace ${n}`), ...leftover.dirs.map((d) => join(etcNetns, d))];
        deps.note(`removing what an earlier run on pod CIDR ${plan.cidr.text} left behind: ${what.join(', ')}`);
        const problems: string[] = [];
        await removeFound(leftover, problems);
        if (problems.length > 0) throw new PodNetworkError('COMMAND_FAILED', `could not remove an earlier run's pod network:\n${problems.join('\n')}`);
      }
      for (const pod of plan.pods) {
        await mkdir(join(etcNetns, pod.ns), { recursive: true });
        await writeFile(join(etcNetns, pod.ns, 'hosts'), hosts.get(pod.ns) ?? '');
      }
      for (const args of podNetworkCommands(plan)) await ip(args);
    },
    async installCapture() {
      await Promise.all(plan.pods.map(async (pod) => {
        await createIptablesClient({ run: inNs(pod.ns) }).apply(POD_CAPTURE_OPTIONS).catch((err: Error) => {
          throw new PodNetworkError('COMMAND_FAILED', `capture rules in ${pod.ns}: ${err.message}`, { cause: err });
        });
      }));
    },
    async remove() {
      if (!ownsLock) return;
      const problems: string[] = [];
      await removeFound(await existing(), problems);
      // Only when empty: `ip netns` needs no /etc/netns, and other namespaces' files stay.
      await rmdir(etcNetns).catch(() => undefined);
      await rm(lockFile, { force: true }).catch(() => undefined);
      ownsLock = false;
      for (const p of problems) deps.note(`warning: ${p}`);
    },
  };
}
