// The Node pipe pair: two Node processes in front of the HTTP/1.1 app that carry bytes with
// `socket.pipe` and parse nothing. It is the same run's measure of how fast a pair of Node
// event loops can move requests at all, beside which the Heddle pair's HTTP work is read.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startChild, stderrTail, stopChild, waitForJson } from './bench-child.js';

const HOP = fileURLToPath(new URL('./node-pipe-hop.js', import.meta.url));
const CLIENT_HOST = '127.0.77.6';
const SERVER_HOST = '127.0.77.7';

export interface NodePipePair {
  /** Where clients connect: the client hop. */
  readonly host: string;
  readonly port: number;
  readonly clientPid: number;
  readonly serverPid: number;
  alive(): boolean;
  logs(): { client: string; server: string };
  stop(): Promise<void>;
}

async function startHop(listenHost: string, targetHost: string, targetPort: number, children: ChildProcess[]): Promise<number> {
  const child = startChild(process.execPath, [HOP, listenHost, targetHost, String(targetPort)]);
  children.push(child);
  return (await waitForJson(child, 'stdout', (l) => typeof l.port === 'number')).port as number;
}

/** Starts the server hop (to the app on 127.0.0.1:`appPort`), then the client hop in front of it. */
export async function startNodePipePair(appPort: number): Promise<NodePipePair> {
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
  };
  try {
    const serverPort = await startHop(SERVER_HOST, '127.0.0.1', appPort, children);
    const port = await startHop(CLIENT_HOST, SERVER_HOST, serverPort, children);
    const [server, client] = children as [ChildProcess, ChildProcess];
    return {
      host: CLIENT_HOST,
      port,
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
