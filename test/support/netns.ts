// Network namespaces for e2e tests: two "pods" joined by a veth pair on a private /24 that the
// test owns, commands and processes run inside them, and removal of all of it.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { HEDDLE_BIN, REPO_ROOT } from './heddle.js';

/** The heddle entry tests run: `$HEDDLE_DIST/src/cli/main.js` when HEDDLE_DIST names a build. */
export const HEDDLE_ENTRY = process.env.HEDDLE_DIST ? `${process.env.HEDDLE_DIST}/src/cli/main.js` : HEDDLE_BIN;

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Why namespace tests cannot run here, or undefined when they can (root, `ip netns`, iptables). */
export function netnsUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces and nat rules';
  const ip = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (ip.error || ip.status !== 0) return `\`ip netns\` is unavailable: ${ip.error?.message ?? ip.stderr.trim()}`;
  for (const tool of ['iptables', 'ip6tables', 'curl']) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (r.error) return `${tool} is not installed`;
  }
  return undefined;
}

/** Runs a command on the host, at most `timeoutMs`; throws with its output when `check` and it fails. */
export function run(file: string, args: readonly string[], opts: { check?: boolean; timeoutMs?: number; input?: string } = {}): CommandResult {
  const r = spawnSync(file, [...args], { encoding: 'utf8', timeout: opts.timeoutMs ?? 20_000, input: opts.input ?? '' });
  const result = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if ((opts.check ?? true) && r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.status}): ${result.stderr}${r.error?.message ?? ''}`);
  return result;
}

/** One namespace: a pod with one address on the shared link. */
export interface Pod {
  readonly ns: string;
  readonly ip: string;
  /** Runs a command inside the namespace to completion. */
  exec(file: string, args: readonly string[], opts?: { check?: boolean; timeoutMs?: number; input?: string }): CommandResult;
  /** Runs `heddle ARGS` inside the namespace to completion (at most 30 s); rejects when it fails. */
  heddle(args: readonly string[]): Promise<CommandResult>;
  /** Starts a long-running process inside the namespace, optionally under `setpriv` as `asUser`; its output always flows. */
  spawn(file: string, args: readonly string[], opts?: { asUser?: number }): ChildProcess;
  /** Starts a long-running `heddle ARGS` inside the namespace. */
  spawnHeddle(args: readonly string[], opts?: { asUser?: number }): ChildProcess;
}

export interface PodNetwork {
  readonly a: Pod;
  readonly b: Pod;
  /** Kills what was spawned and deletes both namespaces (and so the veth pair); safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Creates namespaces `<tag>-a` and `<tag>-b` joined by a veth pair, with `10.213.<n>.1/24` and
 * `.2/24`, lo up in both. On any failure what was created is removed before the error is thrown.
 */
export function createPodNetwork(tag: string, subnet: number): PodNetwork {
  const children = new Set<ChildProcess>();
  const names = [`${tag}-a`, `${tag}-b`] as const;
  const veth = [`${tag}a`, `${tag}b`].map((v) => v.slice(0, 15));
  const removeNow = () => {
    for (const ns of names) run('ip', ['netns', 'del', ns], { check: false });
    run('ip', ['link', 'del', veth[0]!], { check: false });
  };
  removeNow();
  const pod = (ns: string, ip: string): Pod => {
    const exec: Pod['exec'] = (file, args, opts) => run('ip', ['netns', 'exec', ns, file, ...args], opts);
    const spawnIn: Pod['spawn'] = (file, args, opts = {}) => {
      const user = opts.asUser === undefined ? [] : ['setpriv', `--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups'];
      const child = spawn('ip', ['netns', 'exec', ns, ...user, file, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.resume();
      child.stderr?.resume();
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    };
    return {
      ns,
      ip,
      exec,
      heddle: (args) => new Promise((resolve, reject) => {
        execFile('ip', ['netns', 'exec', ns, process.execPath, HEDDLE_ENTRY, ...args], { cwd: REPO_ROOT, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
          if (err) reject(new Error(`heddle ${args.join(' ')} in ${ns} failed: ${err.message}\n${stderr}`));
          else resolve({ status: 0, stdout, stderr });
        });
      }),
      spawn: spawnIn,
      spawnHeddle: (args, opts) => spawnIn(process.execPath, [HEDDLE_ENTRY, ...args], opts),
    };
  };
  const prefix = `10.213.${subnet}`;
  try {
    for (const ns of names) run('ip', ['netns', 'add', ns]);
    run('ip', ['link', 'add', veth[0]!, 'type', 'veth', 'peer', 'name', veth[1]!]);
    names.forEach((ns, i) => {
      run('ip', ['link', 'set', veth[i]!, 'netns', ns]);
      run('ip', ['-n', ns, 'addr', 'add', `${prefix}.${i + 1}/24`, 'dev', veth[i]!]);
      run('ip', ['-n', ns, 'link', 'set', veth[i]!, 'up']);
      run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    });
  } catch (err) {
    removeNow();
    throw err;
  }
  let removed = false;
  return {
    a: pod(names[0], `${prefix}.1`),
    b: pod(names[1], `${prefix}.2`),
    async remove() {
      if (removed) return;
      removed = true;
      await Promise.all([...children].map((child) => stop(child)));
      removeNow();
    },
  };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
function stop(child: ChildProcess): Promise<void> {
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
