// Polls a TCP port until it accepts a connection: how the benchmarks know a server is up.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once `host:port` accepts a connection; rejects after `ms`. */
export async function waitForPort(host: string, port: number, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await tryConnect(host, port))) {
    if (performance.now() > deadline) throw new Error(`${host}:${port} did not accept a connection within ${ms} ms`);
    await sleep(50);
  }
}
