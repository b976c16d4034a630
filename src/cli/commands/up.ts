// `heddle up -f mesh.yaml`: the local mesh (control plane, workloads with sidecars, gateway) until Ctrl-C.
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { HeddleCommand } from '../../local/mesh-plan.js';
import { DEFAULT_POD_CIDR, parsePodCidr } from '../../local/pod-network-plan.js';
import { runLocalMesh, type RunOptions } from '../../local/run-local-mesh.js';
import { parsePort } from '../options.js';

export interface UpFlags {
  dryRun: boolean;
  subnet: string;
  xdsPort: number;
  monitoringPort: number;
  gatewayPort: string[];
  mode: string;
  capture: boolean;
  podCidr: string;
}

/** `18080` (the gateway's first port published on 18080, key 0) or `8080:18080`. */
function parsePublish(values: readonly string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const value of values) {
    const parts = value.split(':').map(Number);
    const [from, to] = parts.length === 2 ? parts : [0, parts[0]];
    if (parts.some((n) => !Number.isInteger(n) || n < 1 || n > 65535) || from === undefined || to === undefined || parts.length > 2) {
      throw new Error(`--gateway-port must be PORT or GATEWAY_PORT:PORT, got "${value}"`);
    }
    out.set(from, to);
  }
  return out;
}

/**
 * The CLI entry this process runs (bin/heddle.js, or a build's main.js), so that children run the
 * same build; proxies use the build's slim proxy-main.js (bin/heddle.js picks it by itself).
 */
export function heddleEntry(): HeddleCommand {
  const entry = process.argv[1] ?? fileURLToPath(new URL('../main.js', import.meta.url));
  const proxyEntry = basename(entry) === 'main.js' ? join(dirname(entry), 'proxy-main.js') : entry;
  return { node: process.execPath, entry, proxyEntry };
}

/** The options shared by `up` and `demo`. */
export function addUpOptions(cmd: Command): Command {
  return cmd
    .option('--dry-run', 'print the processes, addresses, ports and environment that would start, then exit', false)
    .option('--gateway-port <port>', 'publish the gateway\'s first port on this localhost port instead (or GATEWAY_PORT:PORT; repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--xds-port <port>', 'the control plane\'s xDS port', parsePort('--xds-port'), 15010)
    .option('--monitoring-port <port>', 'the control plane\'s monitoring port (heddle apply talks to it)', parsePort('--monitoring-port'), 15014)
    .option('--subnet <a.b.c>', 'explicit mode: loopback addresses for the workloads: the gateway gets .1, workloads .2, .3, …', '127.10.0')
    .option('--mode <mode>', 'traffic interception: explicit (apps use HTTP_PROXY) or capture (root: a network namespace and iptables capture per workload)', 'explicit')
    .option('--capture', 'the same as --mode capture', false)
    .option('--pod-cidr <a.b.c.0/24>', 'capture mode: the pods\' network; the host\'s bridge gets .1, workloads .2, .3, …', DEFAULT_POD_CIDR);
}

/** Turns the shared flags into run options for `file`. */
export function upRunOptions(file: string, flags: UpFlags, logLevel: string): RunOptions {
  const mode = flags.capture ? 'capture' : flags.mode;
  if (mode !== 'explicit' && mode !== 'capture') throw new Error(`--mode must be explicit or capture, got "${flags.mode}"`);
  const podCidr = parsePodCidr(flags.podCidr);
  if (!podCidr.ok) throw new Error(podCidr.reason);
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(flags.subnet)) throw new Error(`--subnet must be three octets of 127.0.0.0/8, such as 127.10.0; got "${flags.subnet}"`);
  return {
    file,
    dryRun: flags.dryRun,
    heddle: heddleEntry(),
    subnet: flags.subnet,
    xdsPort: flags.xdsPort,
    monitoringPort: flags.monitoringPort,
    publish: parsePublish(flags.gatewayPort),
    logLevel,
    mode,
    ...(mode === 'capture' ? { podCidr: podCidr.cidr.text } : {}),
  };
}

/** Adds `heddle up`. */
export function registerUp(program: Command): void {
  addUpOptions(
    program
      .command('up')
      .description('run a local mesh from a mesh file: the control plane, each workload\'s app and sidecar, and the ingress gateway; Ctrl-C stops it all')
      .requiredOption('-f, --file <mesh.yaml>', 'the mesh file'),
  ).action(async (flags: UpFlags & { file: string }, cmd: Command) => {
    const { logLevel } = cmd.optsWithGlobals<{ logLevel: string }>();
    await runLocalMesh(upRunOptions(flags.file, flags, logLevel));
  });
}
