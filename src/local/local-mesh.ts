// The running local mesh: starts the control plane, the workloads' apps and sidecars, and the
// gateway in order, each once the one before is ready, and stops them in reverse. In capture mode
// the pod network comes first and goes last.
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildServiceEntries } from './generated-config.js';
import { caDir, gatewayServiceAccount, tokenFile, type MeshPlan, type PlannedProcess } from './mesh-plan.js';
import type { OutputPrefixer } from './output-prefixer.js';
import { buildPodHosts } from './pod-hosts.js';
import type { PodNetwork } from './pod-network.js';
import { createPortPublisher, type PortPublisher } from './port-publisher.js';
import { waitForReady } from './readiness.js';
import { createSupervisedProcess, type SupervisedProcess, type SupervisorOptions } from './supervised-process.js';
import { waitForProxiesSynced } from './proxy-sync.js';

/** Issues the bootstrap token of a workload's identity, signed with the CA directory's token key. */
export type IssueToken = (caDir: string, identity: { namespace: string; serviceAccount: string }) => Promise<string>;

export interface LocalMeshOptions {
  readonly output: OutputPrefixer;
  /** Citadel's `issueBootstrapToken`; injected so that tests need no CA. */
  readonly issueToken: IssueToken;
  /** How long each step may take to become ready. Default 30 s. */
  readonly readyTimeoutMs?: number;
  /** How long a process may take to exit on SIGTERM before SIGKILL. Default 10 s. */
  readonly stopGraceMs?: number;
  /** Overrides for every supervisor (tests inject spawn and timers). */
  readonly supervisor?: Omit<SupervisorOptions, 'onLine' | 'onCrash'>;
  /** Capture mode: the pod network of `plan.podNetwork`, created before anything starts and removed after everything stopped. */
  readonly podNetwork?: PodNetwork;
  /** Capture mode: the proxy uid, which must read the bootstrap tokens once the sidecars drop to it. Default 1337. */
  readonly proxyUid?: number;
}

/** The local mesh of one `heddle up` run. */
export interface LocalMesh {
  readonly plan: MeshPlan;
  /** Starts everything; rejects (having stopped what started) if a step fails. */
  start(): Promise<void>;
  /** Stops everything in order and removes the state directory. Safe to call more than once. */
  stop(): Promise<void>;
  /** The pids of every running child process. */
  pids(): number[];
}

/** Thrown when the mesh cannot start; the message says which process and why. */
export class MeshStartError extends Error {
  readonly code = 'MESH_START';
  constructor(message: string) {
    super(message);
    this.name = 'MeshStartError';
  }
}

/** Creates the runtime of `plan`. Nothing runs until `start`. */
export function createLocalMesh(plan: MeshPlan, options: LocalMeshOptions): LocalMesh {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const stopGraceMs = options.stopGraceMs ?? 10_000;
  const { output } = options;
  const crashes = new Map<string, string>();
  const supervised = new Map<string, SupervisedProcess>();
  const publishers: PortPublisher[] = [];
  let starting = true;
  let stopRequested = false;
  let stopped: Promise<void> | undefined;

  function supervise(planned: PlannedProcess): SupervisedProcess {
    const write = output.forProcess(planned.name);
    const proc = createSupervisedProcess(planned, {
      ...options.supervisor,
      onLine: (line) => write(line),
      onCrash: (code, signal, restartInMs) => {
        const how = signal ? `signal ${signal}` : `code ${code}`;
        // While starting, a crash is a failure to report (a port in use, a typo in a command), not to retry.
        if (starting) crashes.set(planned.name, `${planned.name} exited with ${how} while starting; its output above says why`);
        output.note(`${planned.name} exited with ${how}${restartInMs !== undefined && !starting ? `; restarting in ${restartInMs / 1000} s` : ''}`);
      },
    });
    supervised.set(planned.name, proc);
    return proc;
  }

  async function startAndWait(processes: readonly PlannedProcess[]): Promise<void> {
    if (stopRequested) throw new MeshStartError('stopped while starting');
    for (const p of processes) supervise(p).start();
    const failure = (name: string) => () => (stopRequested ? 'stopped while starting' : crashes.get(name));
    const results = await Promise.all(processes.map((p) => waitForReady(p.readiness, { timeoutMs: readyTimeoutMs, failure: failure(p.name) })));
    const failed = results.flatMap((r, i) => (r.ready ? [] : [`${processes[i]!.name}: ${r.reason}`]));
    if (failed.length > 0) throw new MeshStartError(failed.join('\n'));
  }

  async function stopAll(): Promise<void> {
    stopRequested = true;
    starting = false;
    await Promise.all(publishers.splice(0).map((p) => p.close()));
    const byRole = (role: PlannedProcess['role']) => [...supervised.values()].filter((s) => s.planned.role === role);
    // Gateway first (no new traffic in), then the sidecars drain while their apps finish, then the control plane.
    for (const group of [byRole('gateway'), [...byRole('sidecar'), ...byRole('app')], byRole('control-plane')]) {
      await Promise.all(group.map((s) => s.stop(stopGraceMs)));
    }
    if (options.podNetwork) {
      output.note(`removing the pod network: capture rules, ${plan.workloads.length} namespaces, bridge ${options.podNetwork.plan.bridge}`);
      await options.podNetwork.remove();
    }
    await rm(plan.stateDir, { recursive: true, force: true });
  }

  /** One bootstrap token per proxy, written before the control plane starts so that it finds the token key in its CA dir. */
  async function writeTokens(): Promise<void> {
    const dir = caDir(plan.stateDir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await mkdir(join(plan.stateDir, 'tokens'), { recursive: true, mode: 0o700 });
    const proxyUid = options.podNetwork ? (options.proxyUid ?? 1337) : undefined;
    // A captured sidecar reads its token as the proxy uid: the directories let it pass, the file is its own.
    if (proxyUid !== undefined) for (const d of [plan.stateDir, join(plan.stateDir, 'tokens')]) await chmod(d, 0o711);
    const identities = [
      ...plan.workloads.map((w) => ({ namespace: w.workload.namespace, serviceAccount: w.workload.serviceAccount, name: w.workload.name, sidecar: true })),
      ...(plan.gateway ? [{ namespace: plan.gateway.gateway.namespace, serviceAccount: gatewayServiceAccount(plan.gateway.gateway), name: plan.gateway.gateway.name, sidecar: false }] : []),
    ];
    for (const id of identities) {
      const token = await options.issueToken(dir, { namespace: id.namespace, serviceAccount: id.serviceAccount });
      const file = tokenFile(plan.stateDir, id.namespace, id.name);
      await writeFile(file, token, { mode: 0o600 });
      // The gateway stays root on the host, so its token stays root's.
      if (proxyUid !== undefined && id.sidecar) await chown(file, proxyUid, proxyUid);
    }
  }

  return {
    plan,
    async start() {
      try {
        if (options.podNetwork) {
          const net = options.podNetwork.plan;
          output.note(`creating the pod network: bridge ${net.bridge} (${net.bridgeIp}), ${net.pods.length} namespaces ${net.nsPrefix}*, capture rules in each`);
          await options.podNetwork.create(new Map(plan.workloads.map((w) => [w.netns!, buildPodHosts(plan.workloads, w.workload.namespace)])));
          // Before any app starts, as istio-init runs before a pod's containers; apps are then probed from inside their pods.
          await options.podNetwork.installCapture();
        }
        await mkdir(plan.generatedDir, { recursive: true });
        await writeFile(join(plan.generatedDir, 'services.yaml'), buildServiceEntries(plan.workloads));
        await writeTokens();
        output.note(`starting the control plane (xDS ${plan.xdsAddress}, monitoring http://${plan.monitoringAddress})`);
        await startAndWait([plan.controlPlane]);
        output.note(`starting ${plan.workloads.length} workloads, each an app and its sidecar`);
        await startAndWait(plan.workloads.flatMap((w) => [w.app, w.sidecar]));
        if (plan.gateway) {
          const g = plan.gateway;
          output.note(`starting gateway ${g.gateway.name} on ${g.ip}`);
          await startAndWait([g.process]);
          for (const p of g.ports) {
            const publisher = await createPortPublisher({ host: '127.0.0.1', port: p.published }, { host: g.ip, port: p.port }).catch((err: Error) => {
              throw new MeshStartError(`cannot publish gateway port ${p.port} on 127.0.0.1:${p.published}: ${err.message} (choose another with --gateway-port)`);
            });
            publishers.push(publisher);
            if (stopRequested) await Promise.all(publishers.splice(0).map((x) => x.close()));
          }
        }
        const proxies = plan.workloads.length + (plan.gateway ? 1 : 0);
        const synced = await waitForProxiesSynced(`http://${plan.monitoringAddress}`, { proxies, timeoutMs: readyTimeoutMs });
        if (!synced.ok) output.note(`warning: ${synced.reason}`);
        starting = false;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        stopped ??= stopAll();
        await stopped;
        throw err instanceof MeshStartError ? err : new MeshStartError(reason);
      }
    },
    stop() {
      stopped ??= stopAll();
      return stopped;
    },
    pids: () => [...supervised.values()].flatMap((s) => {
      const pid = s.pid();
      return pid === undefined ? [] : [pid];
    }),
  };
}
