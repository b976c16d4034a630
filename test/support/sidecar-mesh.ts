// A small real mesh for e2e tests: the control plane, HTTP apps on loopback, and one Heddle sidecar
// per app in explicit mode, each workload on its own 127.0.0.N. Everything stops in `stop()`.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueBootstrapToken } from '../../src/citadel/bootstrap-token.js';
import { collectLines, collectLogs } from './child-output.js';
import { startControlPlaneProcess } from './control-plane-process.js';
import { startHeddle, stopProcess, waitForLog } from './heddle.js';
import { writeConfig } from './mesh-config.js';
import { serviceEntry, type ServiceEntryEndpoint } from './service-entry.js';

export interface WorkloadSpec {
  /** Workload name, `reviews-v2`. */
  readonly name: string;
  readonly app: string;
  readonly version: string;
  /** The instance IP, `127.0.0.3`; the sidecar binds it. */
  readonly ip: string;
  /** The app's port on 127.0.0.1 (the container port); unique per test. */
  readonly port: number;
  /** Answers requests; by default echoes who answered as JSON. */
  readonly handler?: (req: IncomingMessage, res: ServerResponse, who: WorkloadSpec) => void;
  /** Run a sidecar for it (default true). */
  readonly sidecar?: boolean;
  /** The app port's name given to the sidecar (`--app-port NAME:PORT`); `http` by default. */
  readonly portName?: string;
  /** Extra `heddle sidecar` flags for this workload only (`--access-log`, say). */
  readonly sidecarArgs?: readonly string[];
  /** The workload's service account; its `app` by default. */
  readonly serviceAccount?: string;
  /** Give the sidecar no bootstrap token, so it has no identity (default false). */
  readonly noIdentity?: boolean;
  /** The service account its bootstrap token names; `serviceAccount` by default (another one claims an identity it cannot prove). */
  readonly tokenServiceAccount?: string;
}

export interface RunningWorkload {
  readonly spec: WorkloadSpec;
  readonly server: Server;
  readonly sidecar: ChildProcess | undefined;
  readonly adminPort: number;
  readonly statsPort: number;
  /** Requests the app received, most recent last (headers lowercase). */
  readonly received: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  /** The sidecar's stdout (access log with `--access-log`), one entry per line. */
  readonly stdout: string[];
  /** The sidecar's JSON log lines (stderr) from its start, oldest first. */
  readonly logs: Record<string, unknown>[];
}

export interface Mesh {
  readonly configDir: string;
  /** The control plane's CA directory (bootstrap tokens are signed by its token key). */
  readonly caDir: string;
  readonly xds: string;
  /** The control plane's monitoring port; it changes when the control plane restarts. */
  readonly monitoringPort: number;
  readonly workloads: ReadonlyMap<string, RunningWorkload>;
  /** The control plane's JSON log lines (stderr), oldest first, across restarts. */
  readonly controlPlaneLogs: Record<string, unknown>[];
  /** Replaces or adds config files; the control plane picks them up live. */
  apply(files: Record<string, string>): Promise<void>;
  /** Stops the control plane (SIGTERM); the sidecars stay up. */
  stopControlPlane(): Promise<void>;
  /** Starts the control plane again on the same xDS port and config directory. */
  startControlPlane(): Promise<void>;
  stop(): Promise<void>;
}

/** Echoes the workload that answered, as JSON: `{app, version, path, headers}`. */
export function echoHandler(req: IncomingMessage, res: ServerResponse, who: WorkloadSpec): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({ app: who.app, version: who.version, path: req.url, method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

/** `w` as a ServiceEntry endpoint: its IP, `ports`, app and version labels, and service account. */
export function workloadEndpoint(w: WorkloadSpec, ports: Readonly<Record<string, number>>, mtls = false): ServiceEntryEndpoint {
  return { address: w.ip, ports, labels: { app: w.app, version: w.version }, serviceAccount: w.serviceAccount ?? w.app, mtls };
}

/**
 * A ServiceEntry for `host` on port `servicePort`, with the workloads as endpoints. Inline endpoints
 * are plaintext to Pilot unless `mtls` labels them `security.istio.io/tlsMode: istio`.
 */
export function meshServiceEntry(name: string, servicePort: number, workloads: readonly WorkloadSpec[], protocol = 'HTTP', opts: { mtls?: boolean } = {}): string {
  const port = { number: servicePort, name: 'http', protocol, targetPort: workloads[0]?.port ?? servicePort };
  return serviceEntry(name, [port], workloads.map((w) => workloadEndpoint(w, { http: w.port }, opts.mtls)));
}

async function startApp(spec: WorkloadSpec, received: RunningWorkload['received']): Promise<Server> {
  const handler = spec.handler ?? echoHandler;
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, spec);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(spec.port, '127.0.0.1', () => resolve());
  });
  return server;
}

/** Writes a bootstrap token for `serviceAccount` in namespace default, as `heddle up` does; returns its path. */
export async function writeBootstrapToken(caDir: string, name: string, serviceAccount: string): Promise<string> {
  const dir = join(caDir, '..', 'tokens');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.jwt`);
  await writeFile(path, await issueBootstrapToken(caDir, { namespace: 'default', serviceAccount }), { mode: 0o600 });
  return path;
}

async function startSidecar(spec: WorkloadSpec, xds: string, caDir: string, extraArgs: readonly string[], stdout: string[], logs: Record<string, unknown>[]): Promise<{ child: ChildProcess; admin: number; stats: number }> {
  const serviceAccount = spec.serviceAccount ?? spec.app;
  const identity = spec.noIdentity ? [] : ['--token-file', await writeBootstrapToken(caDir, spec.name, spec.tokenServiceAccount ?? serviceAccount)];
  const child = startHeddle([
    'sidecar', '--log-format', 'json',
    '--xds-address', xds,
    ...identity,
    '--name', spec.name,
    '--label', `app=${spec.app},version=${spec.version}`,
    '--service-account', serviceAccount,
    '--ip', spec.ip,
    '--app-port', `${spec.portName ?? 'http'}:${spec.port}`,
    '--admin-port', '0',
    '--stats-port', '0',
    '--agent-port', '0',
    '--health-port', '0',
    ...extraArgs,
    ...(spec.sidecarArgs ?? []),
  ]);
  collectLogs(child, logs);
  // Always drain stdout: an unread pipe would block the sidecar once it fills.
  collectLines(child, stdout);
  try {
    const started = await waitForLog(child, (l) => typeof l.admin === 'number' && typeof l.stats === 'number');
    const ready = await waitForLog(child, (l) => typeof l.msg === 'string' && l.msg.startsWith('sidecar ready'), 20_000);
    // A leftover process holding this IP makes the listeners fail to bind while the sidecar still
    // reports ready: fail here rather than send the test's traffic to a stale proxy.
    const bound = (ready.listeners as { address: string; port: number }[] | undefined) ?? [];
    if (!bound.some((l) => l.address === spec.ip && l.port === spec.port)) {
      throw new Error(`sidecar ${spec.name} did not bind ${spec.ip}:${spec.port} (is an old one still running?)`);
    }
    return { child, admin: started.admin as number, stats: started.stats as number };
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
}

/** Starts the control plane on `files` (with `opts.controlPlaneArgs` added to its flags), then every workload's app and sidecar. */
export async function startMesh(files: Record<string, string>, workloads: readonly WorkloadSpec[], sidecarArgs: readonly string[] = [], opts: { controlPlaneArgs?: readonly string[] } = {}): Promise<Mesh> {
  const stateDir = await mkdtemp(join(tmpdir(), 'heddle-mesh-'));
  const configDir = join(stateDir, 'config');
  const caDir = join(stateDir, 'ca');
  await mkdir(configDir);
  await writeConfig(configDir, files);
  const controlPlane = (xdsPort: number) => startControlPlaneProcess(configDir, caDir, opts.controlPlaneArgs, xdsPort);
  const controlPlaneLogs: Record<string, unknown>[] = [];
  let cp = controlPlane(0);
  collectLogs(cp, controlPlaneLogs);
  const started: RunningWorkload[] = [];
  try {
    const ready = await waitForLog(cp, (l) => typeof l.xds === 'string');
    const xds = ready.xds as string;
    let monitoringPort = Number(new URL(ready.monitoring as string).port);
    for (const spec of workloads) {
      const received: RunningWorkload['received'] = [];
      const stdout: string[] = [];
      const logs: Record<string, unknown>[] = [];
      const server = await startApp(spec, received);
      const sidecar = spec.sidecar === false ? undefined : await startSidecar(spec, xds, caDir, sidecarArgs, stdout, logs).catch((err: unknown) => {
        server.close();
        throw err;
      });
      started.push({ spec, server, sidecar: sidecar?.child, adminPort: sidecar?.admin ?? 0, statsPort: sidecar?.stats ?? 0, received, stdout, logs });
    }
    return {
      configDir,
      caDir,
      xds,
      controlPlaneLogs,
      get monitoringPort() {
        return monitoringPort;
      },
      async stopControlPlane() {
        await stopProcess(cp);
      },
      async startControlPlane() {
        cp = controlPlane(Number(xds.slice(xds.lastIndexOf(':') + 1)));
        collectLogs(cp, controlPlaneLogs);
        const again = await waitForLog(cp, (l) => typeof l.xds === 'string');
        monitoringPort = Number(new URL(again.monitoring as string).port);
      },
      workloads: new Map(started.map((w) => [w.spec.name, w])),
      apply: (more) => writeConfig(configDir, more),
      async stop() {
        await Promise.all(started.map(async (w) => {
          if (w.sidecar) await stopProcess(w.sidecar);
          w.server.closeAllConnections();
          await new Promise((r) => w.server.close(r));
        }));
        await stopProcess(cp);
        await rm(stateDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const w of started) {
      if (w.sidecar) await stopProcess(w.sidecar);
      w.server.closeAllConnections();
      w.server.close();
    }
    await stopProcess(cp);
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  }
}

export interface CurlResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Runs curl through `proxy` (the client's sidecar outbound port) and returns status, headers and
 * body. Asynchronous on purpose: the apps run in the test's own process and must keep answering.
 */
export async function curl(proxy: string, url: string, args: readonly string[] = []): Promise<CurlResult> {
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile('curl', ['-sS', '-D', '-', '--max-time', '20', '-x', proxy, ...args, url], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
  if (r.status !== 0) throw new Error(`curl ${url} failed (${r.status}): ${r.stderr}`);
  const out = r.stdout;
  const split = out.indexOf('\r\n\r\n');
  const headText = out.slice(0, split);
  const body = out.slice(split + 4);
  const [statusLine = '', ...lines] = headText.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}
