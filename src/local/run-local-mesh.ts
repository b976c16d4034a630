// `heddle up` from start to finish: read the mesh file, plan, print the plan (`--dry-run`) or run
// the mesh until SIGINT or SIGTERM, then stop it in order.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueBootstrapToken } from '../citadel/bootstrap-token.js';
import { freePort, portInUse } from './free-port.js';
import { createLocalMesh, MeshStartError } from './local-mesh.js';
import { formatMeshIssue, parseMeshFile } from './mesh-file.js';
import { createMeshPlan, type HeddleCommand, type MeshPlan } from './mesh-plan.js';
import { formatPlan, formatReadyTable } from './mesh-summary.js';
import { createOutputPrefixer } from './output-prefixer.js';
import { captureUnavailableReason, createPodNetwork, PodNetworkError } from './pod-network.js';
import { parsePodCidr } from './pod-network-plan.js';

/** Thrown for a mesh file that does not parse; the message lists every problem, one per line. */
export class MeshFileError extends Error {
  readonly code = 'MESH_FILE';
  constructor(message: string) {
    super(message);
    this.name = 'MeshFileError';
  }
}

/** Every address the mesh binds must be free: a leftover process there would answer in its place. */
async function assertAddressesFree(plan: MeshPlan): Promise<void> {
  // In capture mode the mesh's own addresses appear with the bridge and the namespaces; only the published ports are the host's.
  const wanted: [string, number, string][] = plan.podNetwork ? [] : [
    ['127.0.0.1', Number(plan.xdsAddress.split(':')[1]), 'the control plane\'s xDS port (--xds-port)'],
    ['127.0.0.1', Number(plan.monitoringAddress.split(':')[1]), 'the control plane\'s monitoring port (--monitoring-port)'],
  ];
  for (const w of plan.podNetwork ? [] : plan.workloads) {
    for (const port of [15001, 15006, ...w.ports.map((p) => p.port)]) wanted.push([w.ip, port, `${w.workload.name}'s sidecar (another heddle up? try --subnet)`]);
  }
  for (const p of plan.gateway?.ports ?? []) {
    if (!plan.podNetwork) wanted.push([plan.gateway!.ip, p.port, `the gateway (another heddle up? try --subnet)`]);
    wanted.push(['127.0.0.1', p.published, 'the published gateway port (--gateway-port)']);
  }
  const busy: string[] = [];
  for (const [host, port, what] of wanted) if (await portInUse(host, port)) busy.push(`${host}:${port} is in use; it is ${what}`);
  if (busy.length > 0) throw new MeshStartError(`the mesh cannot start:\n${busy.join('\n')}`);
}

export interface RunOptions {
  readonly file: string;
  readonly dryRun: boolean;
  /** How to run `heddle` for the child processes. */
  readonly heddle: HeddleCommand;
  readonly subnet: string;
  readonly xdsPort: number;
  readonly monitoringPort: number;
  /** Published localhost port by gateway port. */
  readonly publish: ReadonlyMap<number, number>;
  readonly logLevel: string;
  /** Traffic interception: `explicit` (apps use HTTP_PROXY), or `capture` (a network namespace and iptables capture per workload; root only). */
  readonly mode: 'explicit' | 'capture';
  /** Capture mode: the pods' /24 (`--pod-cidr`). */
  readonly podCidr?: string;
  /** The effective uid; injected for tests. */
  readonly uid?: () => number;
  /** Printed after the table once everything is ready (`heddle demo` names its URL and tasks). */
  readonly banner?: (plan: MeshPlan) => string;
  readonly write?: (text: string) => void;
}

/** Runs the mesh of `options.file` until a signal; resolves when everything has stopped. */
export async function runLocalMesh(options: RunOptions): Promise<void> {
  const write = options.write ?? ((t: string) => void process.stdout.write(t));
  const parsed = parseMeshFile(await readFile(options.file, 'utf8'), options.file);
  if (!parsed.ok) throw new MeshFileError(parsed.issues.map(formatMeshIssue).join('\n'));
  const capture = options.mode === 'capture';
  const podCidr = capture ? parsePodCidr(options.podCidr ?? '') : undefined;
  if (podCidr && !podCidr.ok) throw new Error(podCidr.reason);
  const refusal = capture && !options.dryRun ? captureUnavailableReason((options.uid ?? (() => process.geteuid?.() ?? 0))()) : undefined;
  if (refusal) throw new PodNetworkError('NOT_ROOT', refusal);
  const stateDir = await mkdtemp(join(tmpdir(), 'heddle-up-'));
  const taken = new Set<number>([options.xdsPort, options.monitoringPort]);
  // The kernel may hand out a port it just gave, since each is released at once; never give one twice.
  const uniqueFreePort = async (): Promise<number> => {
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
    throw new Error('could not find a free port');
  };
  const plan = await createMeshPlan(parsed.spec, {
    heddle: options.heddle,
    stateDir,
    subnet: options.subnet,
    xdsPort: options.xdsPort,
    monitoringPort: options.monitoringPort,
    publish: options.publish,
    freePort: uniqueFreePort,
    logLevel: options.logLevel,
    ...(podCidr?.ok ? { podCidr: podCidr.cidr } : {}),
  }).catch(async (err: unknown) => {
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  });
  if (options.dryRun) {
    await rm(stateDir, { recursive: true, force: true });
    write(formatPlan(plan));
    return;
  }
  await assertAddressesFree(plan).catch(async (err: unknown) => {
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  });
  const names = [plan.controlPlane, ...plan.workloads.flatMap((w) => [w.app, w.sidecar]), ...(plan.gateway ? [plan.gateway.process] : [])].map((p) => p.name);
  const output = createOutputPrefixer(write, { colour: process.stdout.isTTY === true, width: Math.max(9, ...names.map((n) => n.length)) });
  const podNetwork = plan.podNetwork ? createPodNetwork(plan.podNetwork, { note: (t) => output.note(t) }) : undefined;
  const mesh = createLocalMesh(plan, { output, issueToken: issueBootstrapToken, ...(podNetwork ? { podNetwork } : {}) });
  // If `heddle up` itself dies (an uncaught bug), take the children with it rather than orphan them.
  const killAll = () => {
    for (const pid of mesh.pids()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killAll);
  let signalled: ((signal: string) => void) | undefined;
  const interrupted = new Promise<string>((resolve) => (signalled = resolve));
  const onSignal = (signal: string) => signalled?.(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const started = Date.now();
    const outcome = await Promise.race([mesh.start().then(() => 'started'), interrupted]);
    if (outcome === 'started') {
      write(`\n${formatReadyTable(plan)}`);
      output.note(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; config changes in ${plan.spec.config.join(', ') || '(no config)'} apply live. Ctrl-C stops the mesh.`);
      if (options.banner) write(`\n${options.banner(plan)}\n`);
      await interrupted;
    }
    output.note(`stopping: gateway, then workloads (draining), then the control plane${podNetwork ? ', then the pod network' : ''}`);
    await mesh.stop();
    output.note('stopped');
  } catch (err) {
    if (err instanceof MeshStartError) throw new MeshStartError(`the mesh did not start:\n${err.message}`);
    throw err;
  } finally {
    await mesh.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', killAll);
  }
}
