// The Prometheus scrape endpoint (port 15090): `/stats/prometheus` and nothing else.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_TYPE, TEXT, close, listen, reply } from './admin-http.js';

export interface StatsServerOptions {
  /** 15090 by default; 0 picks a free port. */
  readonly port?: number;
  /** 0.0.0.0 by default: Prometheus scrapes from outside the pod. */
  readonly address?: string;
  /** The exposition text to serve. */
  readonly metrics: () => Promise<string>;
}

export interface StatsServer {
  /** Binds the port; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** Creates the stats server: GET `/stats/prometheus` gives the metrics, anything else 404 (405 for other methods). */
export function createStatsServer(options: StatsServerOptions): StatsServer {
  const port = options.port ?? 15090;
  const address = options.address ?? '0.0.0.0';
  const server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/stats/prometheus') return reply(res, 404, TEXT, 'Not Found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, TEXT, 'Method Not Allowed\n');
    try {
      reply(res, 200, PROMETHEUS_TYPE, await options.metrics());
    } catch (err) {
      reply(res, 500, TEXT, `metrics failed: ${(err as Error).message}\n`);
    }
  }

  return {
    listen: () => listen(server, port, address),
    close: () => close(server),
  };
}
