// Runs gateways for e2e tests as a user runs them: the control plane on a config directory, then
// `heddle gateway` (or `heddle sidecar` for a client) on its own loopback IP, plus the openssl-made
// certificates that TLS cases need. Everything started here is stopped by its `stop()`.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { collectLines } from './child-output.js';
import { startControlPlaneProcess } from './control-plane-process.js';
import { startHeddle, stopProcess, waitForLog } from './heddle.js';
import { eventually, writeConfig } from './mesh-config.js';

const run = promisify(execFile);

export interface ControlPlane {
  readonly configDir: string;
  /** `127.0.0.1:PORT`, for `--xds-address`. */
  readonly xds: string;
  readonly monitoringPort: number;
  /** Replaces or adds config files; the control plane picks them up live. */
  apply(files: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `heddle control-plane` on `files`, every port picked by the system (xDS, TLS xDS,
 * monitoring) and its CA in a temporary directory, so it runs beside other tests' control planes.
 */
export async function startControlPlane(files: Record<string, string>): Promise<ControlPlane> {
  const configDir = await mkdtemp(join(tmpdir(), 'heddle-gw-config-'));
  const caDir = await mkdtemp(join(tmpdir(), 'heddle-gw-ca-'));
  await writeConfig(configDir, files);
  const child = startControlPlaneProcess(configDir, caDir);
  const cleanup = async () => {
    await stopProcess(child);
    await rm(configDir, { recursive: true, force: true });
    await rm(caDir, { recursive: true, force: true });
  };
  try {
    const ready = await waitForLog(child, (l) => typeof l.xds === 'string', 30_000);
    return {
      configDir,
      xds: ready.xds as string,
      monitoringPort: Number(new URL(ready.monitoring as string).port),
      apply: (more) => writeConfig(configDir, more),
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export interface ProxySpec {
  /** Workload name, `istio-ingressgateway`. */
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The instance IP (127.0.0.200-219 for this block); the proxy binds its listeners there. */
  readonly ip: string;
  /** `--app-port` values (sidecars only). */
  readonly appPorts?: readonly string[];
  /** Extra flags (`--access-log`, say). */
  readonly args?: readonly string[];
}

export interface RunningProxy {
  readonly child: ChildProcess;
  readonly adminPort: number;
  readonly statsPort: number;
  /** The proxy's stdout (the access log with `--access-log`), one entry per line. */
  readonly stdout: string[];
  stop(): Promise<void>;
}

/** Starts `heddle gateway` (kind `gateway`) or `heddle sidecar` and waits until its first config serves. */
export async function startProxy(kind: 'gateway' | 'sidecar', xds: string, spec: ProxySpec): Promise<RunningProxy> {
  const labels = Object.entries(spec.labels).map(([k, v]) => `${k}=${v}`).join(',');
  const child = startHeddle([
    kind, '--log-format', 'json',
    '--xds-address', xds,
    '--name', spec.name,
    '--namespace', spec.namespace ?? 'default',
    '--service-account', spec.name,
    ...(labels ? ['--label', labels] : []),
    '--ip', spec.ip,
    ...(spec.appPorts ?? []).flatMap((p) => ['--app-port', p]),
    '--admin-port', '0',
    '--stats-port', '0',
    '--agent-port', '0',
    '--health-port', '0',
    ...(spec.args ?? []),
  ]);
  const stdout: string[] = [];
  collectLines(child, stdout);
  try {
    const started = await waitForLog(child, (l) => typeof l.admin === 'number' && typeof l.stats === 'number', 30_000);
    await waitForLog(child, (l) => typeof l.msg === 'string' && l.msg.startsWith('sidecar ready'), 30_000);
    return { child, adminPort: started.admin as number, statsPort: started.stats as number, stdout, stop: async () => void (await stopProcess(child)) };
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
}

/** Resolves once `ip:port` accepts a TCP connection (a gateway listener is bound), polling for at most `ms`. */
export async function waitForPort(ip: string, port: number, ms = 15_000): Promise<void> {
  await eventually(() => new Promise<boolean>((resolve) => {
    const socket = connect({ host: ip, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  }), ms, `a listener on ${ip}:${port}`);
}

export interface CertificateFiles {
  readonly dir: string;
  /** The CA that signed every certificate below. */
  readonly caCert: string;
  /** Per name given: `<dir>/<name>.pem` and `<dir>/<name>-key.pem`. */
  readonly certs: Readonly<Record<string, { readonly cert: string; readonly key: string }>>;
  remove(): Promise<void>;
}

/**
 * Makes a CA and, for each `name → DNS name`, a certificate it signs (CN and SAN the DNS name,
 * usable by servers and clients), with openssl in a temporary directory.
 */
export async function makeCertificates(names: Readonly<Record<string, string>>): Promise<CertificateFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-gw-certs-'));
  const openssl = (args: readonly string[]) => run('openssl', args, { cwd: dir, timeout: 30_000 });
  const caCert = join(dir, 'ca.pem');
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Heddle gateway test CA', '-keyout', 'ca-key.pem', '-out', caCert]);
  const certs: Record<string, { cert: string; key: string }> = {};
  for (const [name, dns] of Object.entries(names)) {
    const cert = join(dir, `${name}.pem`);
    const key = join(dir, `${name}-key.pem`);
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${dns}`, '-keyout', key, '-out', `${name}.csr`]);
    await run('sh', ['-c', `printf 'subjectAltName=DNS:${dns}\\nextendedKeyUsage=serverAuth,clientAuth\\n' > ${name}.ext`], { cwd: dir });
    await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', caCert, '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', cert]);
    certs[name] = { cert, key };
  }
  return { dir, caCert, certs, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface CurlOutcome {
  /** curl's exit code: 0, or why it failed (35 handshake, 56 receive, 52 empty reply...). */
  readonly exit: number;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly stderr: string;
}

/** Runs curl with `args` (asynchronously, so apps served by the test process keep answering). */
export async function curlDirect(args: readonly string[]): Promise<CurlOutcome> {
  const r = await new Promise<{ exit: number; stdout: string; stderr: string }>((resolve) => {
    execFile('curl', ['-sS', '-D', '-', '--max-time', '10', ...args], { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ exit: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
  const split = r.stdout.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = (split >= 0 ? r.stdout.slice(0, split) : '').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { exit: r.exit, status: Number(statusLine.split(' ')[1] ?? 0), headers, body: split >= 0 ? r.stdout.slice(split + 4) : '', stderr: r.stderr };
}
