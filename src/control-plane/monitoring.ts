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

/** A POST endpoint: takes the request body and query, answers with a status and a JSON-able body. */
export type ActionHandler = (body: string, query: URLSearchParams) => { readonly status: number; readonly body: unknown };

/** The largest POST body accepted, in bytes. */
const MAX_ACTION_BODY = 4 * 1024 * 1024;

export interface MonitoringOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** Debug views by path, such as `/debug/configz`. */
  readonly debug: Readonly<Record<string, DebugHandler>>;
  /** POST endpoints by path, such as `/apply`. The server listens on loopback unless told otherwise. */
  readonly actions?: Readonly<Record<string, ActionHandler>>;
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
    const action = req.method === 'POST' ? opts.actions?.[url.pathname] : undefined;
    if (action) {
      const body = await readBody(req);
      if (body === undefined) return send(res, 413, 'text/plain', `body larger than ${MAX_ACTION_BODY} bytes\n`);
      const result = action(body, url.searchParams);
      send(res, result.status, 'application/json', `${JSON.stringify(result.body, null, 2)}\n`);
    } else if (url.pathname === '/metrics') {
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

/** The request body as text, or undefined past {@link MAX_ACTION_BODY}. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_ACTION_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
