// Runs `heddle demo` for e2e tests as a user runs it, on ports of the test's own, and finds its
// processes in /proc so a test can check that Ctrl-C leaves none behind.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort, portInUse } from '../../src/local/free-port.js';
import { runHeddle, startHeddle, type RunResult } from './heddle.js';

export { freePort, portInUse };

/** A process as /proc shows it. */
export interface ProcessView {
  readonly pid: number;
  /** The command line, its arguments separated by NUL. */
  readonly cmdline: string;
  /** The arguments, split. */
  readonly args: readonly string[];
  /** The environment, `NAME=value` entries separated by NUL; read when asked. */
  environ(): string;
}

/**
 * The processes other than this one and `exclude` for which `predicate` holds. A process that
 * exits while it is read, or whose files cannot be read, is left out.
 */
export function processesMatching(predicate: (p: ProcessView) => boolean, exclude: readonly (number | undefined)[] = []): ProcessView[] {
  const found: ProcessView[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || exclude.includes(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const view = { pid, cmdline, args: cmdline.split('\0'), environ: () => readFileSync(`/proc/${entry}/environ`, 'utf8') };
      if (predicate(view)) found.push(view);
    } catch {
      // exited meanwhile, or a kernel thread
    }
  }
  return found;
}

export interface DemoPorts {
  readonly xds: number;
  readonly monitoring: number;
  readonly gateway: number;
}

/** Whether `p` is one of a demo's processes, given the ports the demo was started on. */
export type DemoProcessTest = (p: ProcessView, ports: DemoPorts) => boolean;

/** An explicit-mode demo's processes on `subnet`: the control plane by its xDS port, every proxy and app by their addresses. */
export function onSubnet(subnet: string): DemoProcessTest {
  return (p, ports) => p.cmdline.includes(`${subnet}.`) || p.cmdline.includes(`--xds-port\0${ports.xds}\0`) || p.environ().includes(`HTTP_PROXY=http://${subnet}.`);
}

export interface DemoOptions {
  /** How long it may take to print `Bookinfo is up`. */
  readonly upWithinMs: number;
  /** How long Ctrl-C may take before SIGKILL. */
  readonly stopWithinMs: number;
  /** Tells the demo's processes. */
  readonly isOurs: DemoProcessTest;
}

export interface Demo {
  readonly child: ChildProcess;
  readonly ports: DemoPorts;
  /** Everything the demo printed on stdout so far. */
  readonly stdout: string;
  /** `heddle COMMAND -f PATH` against the demo's control plane, on `host` (127.0.0.1 by default). */
  heddle(command: 'apply' | 'delete', path: string, host?: string): RunResult;
  /** Ctrl-C (SIGINT), then SIGKILL after `stopWithinMs`; resolves with the exit code (at once when it has exited). */
  stop(): Promise<number | null>;
  /** The pids of the demo's processes (as `isOurs` tells), not counting the `heddle demo` process itself. */
  pids(): number[];
  /** For `after` hooks: {@link Demo.stop}, then SIGKILL for every process of the demo still running. */
  stopAndReap(): Promise<void>;
}

/**
 * A port free now, between the fixed ports other e2e tests use (up to 22xxx) and the kernel's
 * ephemeral range (32768 and up). A port-0 pick would come from that range, where the demo's own
 * apps, which bind port 0, could take it before the demo binds it.
 */
async function demoPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 23_000 + Math.floor(Math.random() * 9_000);
    if (!taken.has(port) && !(await portInUse('0.0.0.0', port))) {
      taken.add(port);
      return port;
    }
  }
  return freePort();
}

/**
 * Runs `heddle demo ARGS... --xds-port X --monitoring-port M --gateway-port G`, each port a free one
 * picked here, and resolves once it prints `Bookinfo is up`. If it exits or `upWithinMs` pass first,
 * it fails with the demo's output, having stopped the demo and killed what it left. The caller
 * calls {@link Demo.stopAndReap} in its `after` hook.
 */
export async function startDemo(args: readonly string[], opts: DemoOptions): Promise<Demo> {
  const taken = new Set<number>();
  const ports: DemoPorts = { xds: await demoPort(taken), monitoring: await demoPort(taken), gateway: await demoPort(taken) };
  const child = startHeddle(['demo', ...args, '--xds-port', String(ports.xds), '--monitoring-port', String(ports.monitoring), '--gateway-port', String(ports.gateway)]);
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const pids = () => processesMatching((p) => opts.isOurs(p, ports), [child.pid]).map((p) => p.pid);
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const kill = setTimeout(() => child.kill('SIGKILL'), opts.stopWithinMs);
    const code = await exited;
    clearTimeout(kill);
    return code;
  };
  const demo: Demo = {
    child,
    ports,
    get stdout() {
      return stdout;
    },
    heddle(command, path, host = '127.0.0.1') {
      return runHeddle([command, '-f', path, '--control-plane', `${host}:${ports.monitoring}`]);
    },
    stop,
    pids,
    async stopAndReap() {
      await stop();
      for (const pid of pids()) process.kill(pid, 'SIGKILL');
    },
  };
  const deadline = Date.now() + opts.upWithinMs;
  while (!stdout.includes('Bookinfo is up') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
  if (!stdout.includes('Bookinfo is up')) {
    await demo.stopAndReap();
    assert.fail(`heddle demo ${args.join(' ')} did not come up; its output:\n${stdout.slice(-4000)}`);
  }
  return demo;
}

/** The reviews version (`v1`, `v2` or `v3`) that served a Bookinfo product page, if reviews answered. */
export function reviewsVersion(body: string): string | undefined {
  return /Reviews served by:<\/dt><u>reviews-(v\d)/.exec(body)?.[1];
}

export interface ProductPage {
  readonly status: number;
  readonly body: string;
  /** How long the page took, headers and body. */
  readonly ms: number;
  /** `v1`, `v2` or `v3`: the reviews version that served the page, when reviews answered. */
  readonly version?: string;
}

/** GETs Bookinfo's `/productpage` through the gateway on 127.0.0.1:`gatewayPort`, with `cookie` when given, failing after `timeoutMs`. */
export async function fetchProductPage(gatewayPort: number, opts: { timeoutMs: number; cookie?: string | undefined }): Promise<ProductPage> {
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${gatewayPort}/productpage`, { headers: opts.cookie ? { cookie: opts.cookie } : {}, signal: AbortSignal.timeout(opts.timeoutMs) });
  const body = await res.text();
  const version = reviewsVersion(body);
  return { status: res.status, body, ms: Date.now() - started, ...(version ? { version } : {}) };
}
