// The paths each proxy benchmark compares, side by side: direct to the app, through the nginx
// pair, the Node pipe pair and the Heddle pair, and for HTTP/1.1 optionally each pair with TLS
// between its hops.
// A path names its entry, the authority its requests carry and the processes charged to it.
import { childPids } from './proc-usage.js';
import type { NodePipePair } from './node-pipe-pair.js';
import type { ProxyRig } from './proxy-rig.js';
import { MESH_SERVICES, MTLS_SERVICE } from './heddle-pair.js';
import { NGINX_PORTS } from './nginx-pair.js';

export type ProtocolKind = 'http1' | 'h2c' | 'tcp';

export interface BenchPath {
  readonly name: string;
  /** Where the client connects. */
  readonly host: string;
  readonly port: number;
  /** The `host:port` its requests name (absolute-form URL and Host). */
  readonly authority: string;
  /** For a TLS path, the name of the same pair's plaintext path, which its cost is measured against. */
  readonly plaintext?: string;
  /** The processes of the client-side and server-side hop (none for direct). */
  readonly hops: readonly { readonly side: 'client' | 'server'; pids(): number[] }[];
  /** False once a process of the path has exited. */
  alive(): boolean;
  /** The processes' recent stderr, for the report when a path fails. */
  logs(): string;
}

/** The mesh authority every path's requests carry (`reviews:9080` for HTTP/1.1). */
export function authorityFor(kind: ProtocolKind): string {
  const s = MESH_SERVICES[kind];
  return `${s.host}:${s.port}`;
}

/** The names of the TLS paths (HTTP/1.1 only) and the plaintext paths they are compared with. */
export const TLS_PATHS = { nginx: 'nginx pair, TLS', pipe: 'node pipe pair, TLS', heddle: 'heddle pair, mTLS' } as const;

/** The name of the Node pipe pair's path. */
export const PIPE_PATH = 'node pipe pair';

/**
 * The paths for `kind`: direct, nginx pair, Node pipe pair, Heddle pair; with `tls` (HTTP/1.1 only)
 * also each pair with TLS between its hops, right after its plaintext path. The nginx and Heddle
 * TLS paths run in the same processes as their plaintext ones; the TLS pipe pair is a pair of its
 * own (a pipe hop has one target). For the Heddle pair the entry is always the outbound HTTP-proxy
 * port; its mTLS path names the in-mesh `reviews-mtls`.
 */
export function benchPaths(rig: ProxyRig, kind: ProtocolKind, opts: { tls?: boolean } = {}): BenchPath[] {
  const { nginx, heddle } = rig;
  const withWorkers = (pid: number) => () => [pid, ...childPids(pid)];
  const tls = opts.tls === true && kind === 'http1';
  const authority = authorityFor(kind);
  const nginxPath = (name: string, port: number, plaintext?: string): BenchPath => ({
    name,
    host: nginx.host,
    port,
    authority,
    ...(plaintext ? { plaintext } : {}),
    hops: [{ side: 'client', pids: withWorkers(nginx.clientPid) }, { side: 'server', pids: withWorkers(nginx.serverPid) }],
    alive: () => nginx.alive(),
    logs: () => `client: ${nginx.logs().client}\nserver: ${nginx.logs().server}`,
  });
  const heddlePath = (name: string, pathAuthority: string, plaintext?: string): BenchPath => ({
    name,
    host: heddle.proxy.host,
    port: heddle.proxy.port,
    authority: pathAuthority,
    ...(plaintext ? { plaintext } : {}),
    hops: [{ side: 'client', pids: () => [heddle.clientPid] }, { side: 'server', pids: () => [heddle.serverPid] }],
    alive: () => heddle.alive(),
    logs: () => `client: ${heddle.logs().client}\nserver: ${heddle.logs().server}`,
  });
  return [
    { name: 'direct', host: '127.0.0.1', port: rig.apps[kind], authority, hops: [], alive: () => true, logs: () => '' },
    nginxPath('nginx pair', NGINX_PORTS[kind]),
    ...(tls ? [nginxPath(TLS_PATHS.nginx, NGINX_PORTS.http1Tls, 'nginx pair')] : []),
    pipePath(PIPE_PATH, rig.pipes[kind], authority),
    ...(tls ? [pipePath(TLS_PATHS.pipe, rig.pipes.http1Tls, authority, PIPE_PATH)] : []),
    heddlePath('heddle pair', authority),
    ...(tls ? [heddlePath(TLS_PATHS.heddle, `${MTLS_SERVICE.host}:${MTLS_SERVICE.port}`, 'heddle pair')] : []),
  ];
}

/** A Node pipe pair: two Node processes that carry the bytes and parse nothing. */
function pipePath(name: string, pipe: NodePipePair, authority: string, plaintext?: string): BenchPath {
  return {
    name,
    host: pipe.host,
    port: pipe.port,
    authority,
    ...(plaintext ? { plaintext } : {}),
    hops: [{ side: 'client', pids: () => [pipe.clientPid] }, { side: 'server', pids: () => [pipe.serverPid] }],
    alive: () => pipe.alive(),
    logs: () => `client: ${pipe.logs().client}\nserver: ${pipe.logs().server}`,
  };
}

/**
 * Runs `measure` on every path in interleaved rounds (A B C, A B C, ...), after one warm-up call
 * per path. A path whose run throws, or whose processes die, is dropped from later rounds and its
 * failure is recorded.
 */
export async function interleave<T>(
  paths: readonly BenchPath[],
  rounds: number,
  warmUp: (path: BenchPath) => Promise<unknown>,
  measure: (path: BenchPath) => Promise<T>,
  log: (line: string) => void,
): Promise<{ results: Map<string, T[]>; failures: Map<string, string> }> {
  const results = new Map<string, T[]>(paths.map((p) => [p.name, []]));
  const failures = new Map<string, string>();
  const attempt = async (path: BenchPath, fn: (path: BenchPath) => Promise<unknown>): Promise<unknown> => {
    if (failures.has(path.name)) return undefined;
    try {
      const value = await fn(path);
      if (!path.alive()) throw new Error('a proxy process exited');
      return value;
    } catch (err) {
      const message = `${(err as Error).message}\n${path.logs().slice(-1500)}`;
      failures.set(path.name, message);
      log(`  ${path.name} failed: ${message}`);
      return undefined;
    }
  };
  for (const path of paths) await attempt(path, warmUp);
  for (let round = 0; round < rounds; round++) {
    for (const path of paths) {
      const value = await attempt(path, measure);
      if (value !== undefined) results.get(path.name)!.push(value as T);
    }
  }
  return { results, failures };
}
