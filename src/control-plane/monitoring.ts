// The control plane's monitoring and debug server (15014): metrics, readiness and debug views.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A debug handler returns a JSON-able value for a request's query, or throws DebugHttpError. */
export type DebugHandler = (query: URLSearchParams) => unknown;

/** Thrown by a debug handler to answer with an HTTP error (400, 404…) and a JSON `{error}` body. */
export class DebugHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DebugHttpError';
  }
}

export interface MonitoringOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** Debug views by path, such as `/debug/configz`. */
  readonly debug: Readonly<Record<string, DebugHandler>>;
  readonly ready: () => boolean;
}

export interface MonitoringServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the monitoring server and resolves once it listens. */
export async function startMonitoring(opts: MonitoringOptions): Promise<MonitoringServer> {
  const server: Server = createServer((req, res) => void handle(opts, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function handle(opts: MonitoringOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    if (url.pathname === '/metrics') {
      send(res, 200, opts.registry.contentType, await opts.registry.metrics());
    } else if (url.pathname === '/ready') {
      const ready = opts.ready();
      send(res, ready ? 200 : 503, 'text/plain', ready ? 'ready\n' : 'not ready\n');
    } else if (url.pathname === '/debug' || url.pathname === '/debug/') {
      send(res, 200, 'application/json', JSON.stringify({ endpoints: Object.keys(opts.debug).sort() }, null, 2));
    } else {
      const handler = opts.debug[url.pathname];
      if (!handler) send(res, 404, 'text/plain', `no such endpoint: ${url.pathname}\n`);
      else send(res, 200, 'application/json', `${JSON.stringify(handler(url.searchParams), null, 2)}\n`);
    }
  } catch (err) {
    if (err instanceof DebugHttpError) send(res, err.status, 'application/json', `${JSON.stringify({ error: err.message })}\n`);
    else send(res, 500, 'text/plain', `${(err as Error).message}\n`);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
