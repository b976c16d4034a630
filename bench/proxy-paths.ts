// The three paths each proxy benchmark compares, side by side: direct to the app, through the
// nginx pair, through the Heddle pair. A path names its entry and the processes charged to it.
import { childPids } from './proc-usage.js';
import type { ProxyRig } from './proxy-rig.js';
import { MESH_SERVICES } from './heddle-pair.js';
import { NGINX_PORTS } from './nginx-pair.js';

export type ProtocolKind = 'http1' | 'h2c' | 'tcp';

export interface BenchPath {
  readonly name: string;
  /** Where the client connects. */
  readonly host: string;
  readonly port: number;
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

/** The paths for `kind`. For the Heddle pair the entry is always the outbound HTTP-proxy port. */
export function benchPaths(rig: ProxyRig, kind: ProtocolKind): BenchPath[] {
  const { nginx, heddle } = rig;
  const withWorkers = (pid: number) => () => [pid, ...childPids(pid)];
  return [
    { name: 'direct', host: '127.0.0.1', port: rig.apps[kind], hops: [], alive: () => true, logs: () => '' },
    {
      name: 'nginx pair',
      host: nginx.host,
      port: NGINX_PORTS[kind],
      hops: [{ side: 'client', pids: withWorkers(nginx.clientPid) }, { side: 'server', pids: withWorkers(nginx.serverPid) }],
      alive: () => nginx.alive(),
      logs: () => `client: ${nginx.logs().client}\nserver: ${nginx.logs().server}`,
    },
    {
      name: 'heddle pair',
      host: heddle.proxy.host,
      port: heddle.proxy.port,
      hops: [{ side: 'client', pids: () => [heddle.clientPid] }, { side: 'server', pids: () => [heddle.serverPid] }],
      alive: () => heddle.alive(),
      logs: () => `client: ${heddle.logs().client}\nserver: ${heddle.logs().server}`,
    },
  ];
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
