// What `heddle up` starts: every process with its arguments, environment, addresses and ports,
// decided before anything runs, so that `--dry-run` prints exactly what a real run does.
import { join } from 'node:path';
import type { MeshGateway, MeshSpec, MeshWorkload } from './mesh-file.js';
import { inNamespace, planPodNetwork, type PodCidr, type PodNamespace, type PodNetworkPlan } from './pod-network-plan.js';

/** How to check that a process is ready. */
export type Readiness =
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly netns?: string };

/** One process of the local mesh. */
export interface PlannedProcess {
  /** Shown before each line of its output: `productpage-v1`, `productpage-v1.proxy`. */
  readonly name: string;
  readonly role: 'control-plane' | 'sidecar' | 'app' | 'gateway';
  readonly command: string;
  readonly args: readonly string[];
  /** What the runtime sets on top of its own environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly readiness: Readiness;
}

/** A service port of a workload and the port its app listens on (127.0.0.1; in capture mode 0.0.0.0 of its pod, on the service port). */
export interface PlannedPort {
  readonly name: string;
  readonly port: number;
  readonly appPort: number;
}

export interface PlannedWorkload {
  readonly workload: MeshWorkload;
  /** The workload's instance IP; its sidecar binds it. */
  readonly ip: string;
  readonly ports: readonly PlannedPort[];
  /** The sidecar's admin port, on the loopback of the host (explicit mode) or of its pod (capture). */
  readonly adminPort: number;
  /** Capture mode: the pod's network namespace, where its app and sidecar run. */
  readonly netns?: string;
  readonly sidecar: PlannedProcess;
  readonly app: PlannedProcess;
}

/** A gateway port, published on localhost. */
export interface PublishedPort {
  readonly port: number;
  /** `127.0.0.1:<published>` forwards to `<gateway ip>:<port>`. */
  readonly published: number;
}

export interface PlannedGateway {
  readonly gateway: MeshGateway;
  readonly ip: string;
  readonly ports: readonly PublishedPort[];
  readonly process: PlannedProcess;
}

/** Everything `heddle up` will run. */
export interface MeshPlan {
  readonly spec: MeshSpec;
  /** `explicit`: apps use HTTP_PROXY on loopback addresses; `capture`: each workload in a namespace of its own with iptables capture. */
  readonly mode: 'explicit' | 'capture';
  /** Capture mode: the bridge and the pod namespaces. */
  readonly podNetwork?: PodNetworkPlan;
  readonly stateDir: string;
  /** The control plane's second config directory: the ServiceEntries of the local workloads. */
  readonly generatedDir: string;
  readonly xdsAddress: string;
  readonly monitoringAddress: string;
  readonly controlPlane: PlannedProcess;
  readonly workloads: readonly PlannedWorkload[];
  readonly gateway?: PlannedGateway;
}

/** The Node binary and the entry scripts of the `heddle` command. */
export interface HeddleCommand {
  readonly node: string;
  readonly entry: string;
  /** The entry for `sidecar` and `gateway` (the CLI's proxy-only entry, which loads faster); `entry` if absent. */
  readonly proxyEntry?: string;
}

export interface PlanOptions {
  /** How to run `heddle` itself: the Node binary, the CLI entry script, and the slim entry proxies may use. */
  readonly heddle: HeddleCommand;
  /** The per-run state directory (generated config; later the CA). */
  readonly stateDir: string;
  /** The first three octets of the workloads' addresses: `127.10.0` gives 127.10.0.1 (gateway), .2, .3… */
  readonly subnet: string;
  readonly xdsPort: number;
  readonly monitoringPort: number;
  /** Published port by gateway port, where it differs (`--gateway-port`); key 0 stands for the first gateway port. */
  readonly publish?: ReadonlyMap<number, number>;
  /** A free port on this host; injected so tests get fixed numbers. */
  readonly freePort: () => Promise<number>;
  readonly logLevel: string;
  /** Passed to every sidecar and gateway (`--drain-timeout`, say). */
  readonly proxyArgs?: readonly string[];
  /** Capture mode: the pods' /24. Without it, explicit mode. */
  readonly podCidr?: PodCidr;
}

/** Where the bootstrap token of a proxy is written: the CA accepts it as proof of the workload's identity. */
export function tokenFile(stateDir: string, namespace: string, name: string): string {
  return join(stateDir, 'tokens', `${namespace}.${name}.jwt`);
}

/** The CA directory of a run: its root and the key that signs bootstrap tokens. */
export function caDir(stateDir: string): string {
  return join(stateDir, 'ca');
}

/** The gateway's service account, named as Istio names its ingress gateway's: `istio-ingressgateway-service-account`. */
export function gatewayServiceAccount(gateway: MeshGateway): string {
  return `${gateway.name}-service-account`;
}

/** The Node flags proxies run with: a 2 MB young generation saves ~20 MB each (docs/sidecar.md). */
const PROXY_NODE_FLAGS = ['--max-semi-space-size=2'];

function heddle(opts: PlanOptions, name: string, role: PlannedProcess['role'], args: string[], readiness: Readiness, nodeFlags: string[] = []): PlannedProcess {
  const entry = role === 'control-plane' ? opts.heddle.entry : (opts.heddle.proxyEntry ?? opts.heddle.entry);
  return {
    name,
    role,
    command: opts.heddle.node,
    args: [...nodeFlags, entry, ...args, '--log-level', opts.logLevel],
    env: {},
    cwd: process.cwd(),
    readiness,
  };
}

function labelArg(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function envName(portName: string): string {
  return portName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Istio's admin, Prometheus, agent and health ports, which every pod has to itself. */
const POD_ADMIN_PORT = 15000;
const POD_STATS_PORT = 15090;
const POD_AGENT_PORT = 15020;
const POD_HEALTH_PORT = 15021;

/** The same process, run inside `ns`. */
function inPod(p: PlannedProcess, ns: string): PlannedProcess {
  return { ...p, ...inNamespace(ns, p.command, p.args) };
}

async function planWorkload(opts: PlanOptions, workload: MeshWorkload, ip: string, xdsAddress: string, pod?: PodNamespace): Promise<PlannedWorkload> {
  const ports: PlannedPort[] = [];
  // In its own pod an app listens on the service port itself, as a container on its targetPort.
  for (const p of workload.ports) ports.push({ ...p, appPort: pod ? p.port : await opts.freePort() });
  const adminPort = pod ? POD_ADMIN_PORT : await opts.freePort();
  const statsPort = pod ? POD_STATS_PORT : await opts.freePort();
  const agentPort = pod ? POD_AGENT_PORT : await opts.freePort();
  const healthPort = pod ? POD_HEALTH_PORT : await opts.freePort();
  const sidecarProcess = heddle(opts, `${workload.name}.proxy`, 'sidecar', [
    'sidecar',
    ...(pod ? ['--mode', 'capture'] : []),
    '--name', workload.name,
    '--namespace', workload.namespace,
    '--service-account', workload.serviceAccount,
    '--label', labelArg(workload.labels),
    '--ip', ip,
    ...ports.flatMap((p) => ['--app-port', `${p.name}:${p.appPort}`]),
    '--xds-address', xdsAddress,
    '--admin-port', String(adminPort),
    '--stats-port', String(statsPort),
    '--agent-port', String(agentPort),
    '--health-port', String(healthPort),
    '--token-file', tokenFile(opts.stateDir, workload.namespace, workload.name),
    ...(opts.proxyArgs ?? []),
  ], pod
    // The admin port is the pod's own loopback; the Prometheus port listens on the pod IP and is never captured.
    ? { kind: 'http', url: `http://${ip}:${statsPort}/stats/prometheus` }
    : { kind: 'http', url: `http://127.0.0.1:${adminPort}/ready` }, PROXY_NODE_FLAGS);
  const [first] = ports;
  const proxy = `http://${ip}:15001`;
  const env: Record<string, string> = {
    ...workload.env,
    PORT: String(first!.appPort),
    ...Object.fromEntries(ports.map((p) => [`PORT_${envName(p.name)}`, String(p.appPort)])),
    // Captured apps call services directly (the rules send it to the sidecar); explicit ones through the proxy.
    // A proxy inherited from the user's shell is blanked: capture must see the app's own connections.
    ...(pod ? { HOST: '0.0.0.0', HTTP_PROXY: '', http_proxy: '' } : { HOST: '127.0.0.1', HTTP_PROXY: proxy, http_proxy: proxy }),
    POD_NAME: workload.name,
    POD_NAMESPACE: workload.namespace,
    SERVICE_ACCOUNT: workload.serviceAccount,
    INSTANCE_IP: ip,
  };
  const [cmd, ...args] = workload.command;
  const appProcess: PlannedProcess = {
    name: workload.name,
    role: 'app',
    // `node` is this Node, so that apps run on the version heddle runs on even when PATH has none.
    command: cmd === 'node' ? opts.heddle.node : cmd!,
    args,
    env,
    cwd: workload.cwd,
    readiness: { kind: 'tcp', host: '127.0.0.1', port: first!.appPort, ...(pod ? { netns: pod.ns } : {}) },
  };
  if (!pod) return { workload, ip, ports, adminPort, sidecar: sidecarProcess, app: appProcess };
  return { workload, ip, ports, adminPort, netns: pod.ns, sidecar: inPod(sidecarProcess, pod.ns), app: inPod(appProcess, pod.ns) };
}

/**
 * Decides the processes of `spec`: the control plane on the given ports, then per workload an app
 * (listening on 127.0.0.1 at a free port, told by env PORT and HTTP_PROXY) and its sidecar bound
 * to the workload's own address, then the gateway on the subnet's first address, its ports
 * published on localhost. With `podCidr` (capture mode) each workload gets a pod namespace and
 * address instead: its app listens on 0.0.0.0 at the service port with no HTTP_PROXY, its sidecar
 * runs there in capture mode, and the control plane and the gateway listen on the bridge address.
 */
export async function createMeshPlan(spec: MeshSpec, options: PlanOptions): Promise<MeshPlan> {
  const podNetwork = options.podCidr ? planPodNetwork(options.podCidr, spec.workloads) : undefined;
  // In capture mode the control plane and the gateway stay on the host, reached by the pods at the bridge's address.
  const host = podNetwork?.bridgeIp ?? '127.0.0.1';
  const xdsAddress = `${host}:${options.xdsPort}`;
  const generatedDir = join(options.stateDir, 'generated');
  const monitoringAddress = `${host}:${options.monitoringPort}`;
  const controlPlane = heddle(options, 'control-plane', 'control-plane', [
    'control-plane',
    ...[...spec.config, generatedDir].flatMap((c) => ['--config', c]),
    '--xds-port', String(options.xdsPort),
    '--monitoring-port', String(options.monitoringPort),
    // Citadel's TLS port and CA stay inside this run, so that meshes side by side do not clash.
    '--secure-port', String(await options.freePort()),
    '--ca-dir', caDir(options.stateDir),
    // What `heddle apply` adds outlives a crash of the control plane, which is restarted; not the run.
    '--applied-file', join(options.stateDir, 'applied.yaml'),
    ...(podNetwork ? ['--bind', podNetwork.bridgeIp] : []),
  ], { kind: 'http', url: `http://${monitoringAddress}/ready` });
  const workloads: PlannedWorkload[] = [];
  for (const [i, w] of spec.workloads.entries()) {
    const pod = podNetwork?.pods[i];
    workloads.push(await planWorkload(options, w, pod?.ip ?? `${options.subnet}.${i + 2}`, xdsAddress, pod));
  }
  let gateway: PlannedGateway | undefined;
  if (spec.gateway) {
    const g = spec.gateway;
    const ip = podNetwork?.bridgeIp ?? `${options.subnet}.1`;
    const adminPort = await options.freePort();
    const statsPort = await options.freePort();
    const agentPort = await options.freePort();
    const healthPort = await options.freePort();
    const proxy = heddle(options, g.name, 'gateway', [
      'gateway',
      '--name', g.name,
      '--namespace', g.namespace,
      '--service-account', gatewayServiceAccount(g),
      '--label', labelArg(g.labels),
      '--ip', ip,
      '--xds-address', xdsAddress,
      '--admin-port', String(adminPort),
      '--stats-port', String(statsPort),
      '--agent-port', String(agentPort),
      '--health-port', String(healthPort),
      '--token-file', tokenFile(options.stateDir, g.namespace, g.name),
      ...(options.proxyArgs ?? []),
    ], { kind: 'http', url: `http://127.0.0.1:${adminPort}/ready` }, PROXY_NODE_FLAGS);
    gateway = { gateway: g, ip, ports: g.ports.map((port, i) => ({ port, published: options.publish?.get(port) ?? (i === 0 ? options.publish?.get(0) : undefined) ?? port })), process: proxy };
  }
  return {
    spec,
    mode: podNetwork ? 'capture' : 'explicit',
    ...(podNetwork ? { podNetwork } : {}),
    stateDir: options.stateDir,
    generatedDir,
    xdsAddress,
    monitoringAddress,
    controlPlane,
    workloads,
    ...(gateway ? { gateway } : {}),
  };
}
