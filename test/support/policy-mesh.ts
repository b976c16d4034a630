// Helpers for e2e tests of security policy: ServiceEntries whose endpoints have sidecars (mTLS,
// so policies see the caller's identity), AuthorizationPolicies, applying a step's policies and
// waiting until every sidecar serves them, and raw TCP through a sidecar's CONNECT entry.
import { connect } from 'node:net';
import { eventually } from './mesh-config.js';
import { serviceEntry } from './service-entry.js';
import { workloadEndpoint, type Mesh, type WorkloadSpec } from './sidecar-mesh.js';

export interface ServicePort {
  readonly number: number;
  readonly name: string;
  /** `HTTP` by default. */
  readonly protocol?: string;
  /** The workloads' port for it; the workload's own `port` when absent. */
  readonly targetPort?: number;
}

/**
 * A ServiceEntry for `<name>.default.svc.cluster.local` whose inline endpoints are labelled
 * `security.istio.io/tlsMode: istio`, so clients reach them over mTLS (inline endpoints are
 * plaintext otherwise), each with its service account.
 */
export function sidecarServiceEntry(name: string, ports: readonly ServicePort[], workloads: readonly WorkloadSpec[]): string {
  const servicePorts = ports.map((p) => ({ number: p.number, name: p.name, ...(p.protocol ? { protocol: p.protocol } : {}) }));
  const endpoints = workloads.map((w) => workloadEndpoint(w, Object.fromEntries(ports.map((p) => [p.name, p.targetPort ?? w.port])), true));
  return serviceEntry(name, servicePorts, endpoints);
}

/**
 * An AuthorizationPolicy `name` in namespace default that applies `action` to the workloads
 * labelled `app: <app>`; `rest` is the YAML of the spec's other fields (`rules`, `provider`),
 * indented by two spaces and ending in a newline.
 */
export function authorizationPolicy(name: string, app: string, action: 'ALLOW' | 'DENY' | 'CUSTOM', rest: string): string {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: default}
spec:
  selector: {matchLabels: {app: ${app}}}
  action: ${action}
${rest}`;
}

async function snapshotVersion(monitoringPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${monitoringPort}/debug/configz`, { signal: AbortSignal.timeout(5000) });
  return ((await res.json()) as { version: number }).version;
}

/** True when every connected proxy was brought up to a push of snapshot `version` or later, and ACKed all it was sent. */
async function allSynced(monitoringPort: number, version: number, proxies: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${monitoringPort}/debug/syncz`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { proxies: Array<{ version?: string; xds: Record<string, { state: string }> }> };
  if (body.proxies.length < proxies) return false;
  return body.proxies.every((p) => Number((p.version ?? '-1').split('.')[0]) >= version && Object.values(p.xds).every((t) => t.state === 'SYNCED' || t.state === 'NOT SENT'));
}

/**
 * Writes `files` into the mesh's config directory, waits for the control plane to publish them,
 * then for every sidecar to be brought up to that snapshot (or a later one) and ACK it. The files must
 * change the valid config, or no snapshot is published and this times out.
 */
export async function applyAndWait(mesh: Mesh, files: Record<string, string>, ms = 15_000): Promise<void> {
  const before = await snapshotVersion(mesh.monitoringPort);
  await mesh.apply(files);
  const published = await eventually(async () => {
    const v = await snapshotVersion(mesh.monitoringPort);
    return v > before ? v : undefined;
  }, ms, `a config snapshot after ${before} (are the files valid? see /debug/rejectionz)`);
  const sidecars = [...mesh.workloads.values()].filter((w) => w.sidecar).length;
  await eventually(async () => allSynced(mesh.monitoringPort, published, sidecars), ms, `every sidecar synced to snapshot ${published}`);
}

export interface TcpExchange {
  /** What the CONNECT response and the tunnel returned before the connection ended or `ms` passed. */
  readonly received: string;
  /** True when the connection was closed (by either side's FIN or a reset) within `ms`. */
  readonly closed: boolean;
}

/**
 * Opens a CONNECT tunnel to `authority` through the sidecar outbound entry `proxyIp:proxyPort`,
 * sends `payload`, and collects what comes back until the connection ends, `until` holds for what
 * was received, or `ms` passes; then it closes the socket.
 */
export function tcpThroughSidecar(proxyIp: string, proxyPort: number, authority: string, payload: string, until: (received: string) => boolean, ms = 3000): Promise<TcpExchange> {
  return new Promise((resolve) => {
    const socket = connect(proxyPort, proxyIp);
    let received = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received, closed });
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on('connect', () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n${payload}`));
    socket.on('data', (c: Buffer) => {
      received += c.toString('utf8');
      if (until(received)) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}
