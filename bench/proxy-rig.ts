// Everything the proxy benchmarks run against, started once per run: the three upstream apps
// (HTTP/1.1, h2c, TCP sink), the Heddle pair and the nginx pair in front of the same apps, and a
// Node pipe pair in front of each app, plus one with TLS between its hops in front of the HTTP/1.1 app.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startChild, stopChild, waitForJson } from './bench-child.js';
import { startHeddlePair, type HeddlePair, type PairApps } from './heddle-pair.js';
import { startNginxPair, type NginxPair } from './nginx-pair.js';
import { startNodePipePair, type NodePipePair } from './node-pipe-pair.js';
import { waitForPort } from './wait-for-port.js';

const UPSTREAM_APP = fileURLToPath(new URL('./upstream-app.js', import.meta.url));

/** The Node pipe pairs: one per app, and `http1Tls` with mutual TLS 1.3 between its hops. */
export type PipePairs = Readonly<Record<'http1' | 'http1Tls' | 'h2c' | 'tcp', NodePipePair>>;

/** Each pipe pair's client-hop and server-hop addresses. */
const PIPE_HOSTS = {
  http1: { clientHost: '127.0.77.6', serverHost: '127.0.77.7' },
  http1Tls: { clientHost: '127.0.77.8', serverHost: '127.0.77.9', tls: true },
  h2c: { clientHost: '127.0.77.10', serverHost: '127.0.77.11' },
  tcp: { clientHost: '127.0.77.12', serverHost: '127.0.77.13' },
} as const;

export interface ProxyRig {
  readonly apps: PairApps;
  readonly appPids: readonly number[];
  readonly heddle: HeddlePair;
  readonly nginx: NginxPair;
  readonly pipes: PipePairs;
  stop(): Promise<void>;
}

async function startApp(kind: 'http1' | 'h2c' | 'tcp-sink', children: ChildProcess[]): Promise<number> {
  const child = startChild(process.execPath, [UPSTREAM_APP, kind]);
  children.push(child);
  return (await waitForJson(child, 'stdout', (l) => typeof l.port === 'number')).port as number;
}

/** Starts the apps and all pairs; if any part fails to start, stops what started and rethrows. `stop()` stops every one. */
export async function startProxyRig(log: (line: string) => void): Promise<ProxyRig> {
  const apps: ChildProcess[] = [];
  let heddle: HeddlePair | undefined;
  let nginx: NginxPair | undefined;
  const pipes: Partial<Record<keyof PipePairs, NodePipePair>> = {};
  const stop = async () => {
    await heddle?.stop();
    await nginx?.stop();
    for (const pipe of Object.values(pipes)) await pipe.stop();
    for (const child of apps) await stopChild(child);
  };
  try {
    const ports: PairApps = { http1: await startApp('http1', apps), h2c: await startApp('h2c', apps), tcp: await startApp('tcp-sink', apps) };
    log(`proxy rig: apps on 127.0.0.1:${ports.http1} (http1), :${ports.h2c} (h2c), :${ports.tcp} (tcp sink)`);
    nginx = await startNginxPair(ports, (host, port) => waitForPort(host, port));
    log('proxy rig: nginx pair up');
    for (const kind of ['http1', 'http1Tls', 'h2c', 'tcp'] as const) {
      pipes[kind] = await startNodePipePair(ports[kind === 'http1Tls' ? 'http1' : kind], PIPE_HOSTS[kind]);
    }
    log('proxy rig: node pipe pairs up (http1, http1 with TLS, h2c, tcp)');
    heddle = await startHeddlePair(ports);
    log('proxy rig: heddle pair up');
    return { apps: ports, appPids: apps.map((c) => c.pid!), heddle, nginx, pipes: pipes as PipePairs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
