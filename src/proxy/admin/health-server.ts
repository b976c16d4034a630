// The health port (15021): `/healthz/ready`, which kubelet's readiness probe asks, as on Istio's
// sidecar; also the readiness answer the agent port (15020) gives.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminState } from './admin-target.js';
import { TEXT, close, listen, reply } from './admin-http.js';

export interface HealthServerOptions {
  /** 15021 by default; 0 picks a free port. */
  readonly port?: number;
  /** 0.0.0.0 by default: kubelet probes from outside the pod. */
  readonly address?: string;
  /** The proxy's lifecycle state, read on every probe. */
  readonly state: () => AdminState;
}

export interface HealthServer {
  /** Binds the port; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/**
 * Answers a readiness probe: 200 while the proxy is LIVE (its first config applied, listeners
 * bound), 503 before that and once it drains; the body is the state's name.
 */
export function replyReadiness(res: ServerResponse, state: AdminState): void {
  reply(res, state === 'LIVE' ? 200 : 503, TEXT, `${state}\n`);
}

/** Creates the health server: GET (or HEAD) `/healthz/ready` as {@link replyReadiness}; 404 elsewhere, 405 for other methods. */
export function createHealthServer(options: HealthServerOptions): HealthServer {
  const port = options.port ?? 15021;
  const address = options.address ?? '0.0.0.0';
  const server = createServer((req, res) => handle(req, res));

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/healthz/ready') return reply(res, 404, TEXT, 'Not Found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return reply(res, 405, TEXT, 'Method Not Allowed\n');
    }
    replyReadiness(res, options.state());
  }

  return {
    listen: () => listen(server, port, address),
    close: () => close(server),
  };
}
