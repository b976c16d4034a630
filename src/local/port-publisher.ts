// Publishes a gateway port on localhost, as a cloud load balancer or `docker -p` would: connections
// to 127.0.0.1:<published> are piped to <gateway ip>:<port>.
import { connect, createServer, type Socket } from 'node:net';

export interface PortPublisher {
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

/** Listens on `host:port` and forwards every connection to `target`; rejects when the port is taken. */
export async function createPortPublisher(listen: { host: string; port: number }, target: { host: string; port: number }): Promise<PortPublisher> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const server = createServer((downstream) => {
    track(downstream);
    const upstream = connect(target);
    track(upstream);
    downstream.pipe(upstream).pipe(downstream);
    const destroy = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.once('error', destroy);
    upstream.once('error', destroy);
    downstream.once('close', () => upstream.end());
    upstream.once('close', () => downstream.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : listen.port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
