// A Node pipe pair: two Node processes in front of an app that carry bytes with `socket.pipe` and
// parse nothing, optionally with mutual TLS 1.3 between them. It is the same run's measure of how
// fast a pair of Node event loops can move requests at all, beside which the Heddle pair's HTTP
// work is read.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, stderrTail, stopChild, waitForJson } from './bench-child.js';
import { makeSelfSignedCertificate } from './self-signed-cert.js';

const HOP = fileURLToPath(new URL('./node-pipe-hop.js', import.meta.url));
/** The name in the TLS pair's certificate, which the client hop verifies. */
const TLS_NAME = 'node-pipe-server';

export interface NodePipePair {
  /** Where clients connect: the client hop. */
  readonly host: string;
  readonly port: number;
  /** The server hop's address: a TLS pair's server hop takes only TLS with a client certificate. */
  readonly serverHost: string;
  readonly serverPort: number;
  readonly clientPid: number;
  readonly serverPid: number;
  alive(): boolean;
  logs(): { client: string; server: string };
  stop(): Promise<void>;
}

export interface NodePipePairOptions {
  /** The addresses the client hop and the server hop listen on (each on port 0). */
  readonly clientHost: string;
  readonly serverHost: string;
  /**
   * With TLS, the client hop originates TLS 1.3 with a certificate and verifies the server hop's;
   * the server hop requires and verifies the client's (one self-signed P-256 certificate, as the
   * nginx pair uses). Connections stay one upstream per downstream, as without TLS.
   */
  readonly tls?: boolean;
}

async function startHop(args: readonly string[], children: ChildProcess[]): Promise<number> {
  const child = startChild(process.execPath, [HOP, ...args]);
  children.push(child);
  return (await waitForJson(child, 'stdout', (l) => typeof l.port === 'number')).port as number;
}

/**
 * Starts the server hop (to the app on 127.0.0.1:`appPort`), then the client hop in front of it;
 * resolves once both print their ports. If either fails to start, stops what started and rethrows.
 * `stop()` stops both hops and removes the certificate.
 */
export async function startNodePipePair(appPort: number, opts: NodePipePairOptions): Promise<NodePipePair> {
  const children: ChildProcess[] = [];
  let dir: string | undefined;
  const stop = async () => {
    for (const child of [...children].reverse()) await stopChild(child);
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    let tls: { server: string[]; client: string[] } = { server: [], client: [] };
    if (opts.tls) {
      dir = await mkdtemp(join(tmpdir(), 'heddle-bench-pipe-tls-'));
      const { certFile, keyFile } = await makeSelfSignedCertificate(dir, TLS_NAME);
      const files = ['--cert', certFile, '--key', keyFile, '--ca', certFile];
      tls = { server: ['--tls', 'terminate', ...files], client: ['--tls', 'originate', ...files, '--servername', TLS_NAME] };
    }
    const serverPort = await startHop([opts.serverHost, '127.0.0.1', String(appPort), ...tls.server], children);
    const port = await startHop([opts.clientHost, opts.serverHost, String(serverPort), ...tls.client], children);
    const [server, client] = children as [ChildProcess, ChildProcess];
    return {
      host: opts.clientHost,
      port,
      serverHost: opts.serverHost,
      serverPort,
      clientPid: client.pid!,
      serverPid: server.pid!,
      alive: () => children.every((c) => c.exitCode === null && c.signalCode === null),
      logs: () => ({ client: stderrTail(client), server: stderrTail(server) }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
