// The sidecar's admin server (port 15000, loopback only), with Envoy's admin endpoints and formats.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminTarget } from './admin-target.js';
import { JSON_TYPE, PROMETHEUS_TYPE, TEXT, close, isLoopbackAddress, listen, reply } from './admin-http.js';
import { formatCertificates } from './admin-certs.js';
import { buildSecretsConfigDump } from './admin-secrets-dump.js';
import { formatClustersJson, formatClustersText } from './admin-clusters.js';
import { formatStatsJson, formatStatsText, selectStats } from './admin-stats.js';

export interface AdminServerOptions {
  /** 15000 in a sidecar; 0 picks a free port. */
  readonly port: number;
  /** Must be a loopback address; 127.0.0.1 by default. */
  readonly address?: string;
  /** The clock for uptime, in epoch ms; `Date.now` by default. */
  readonly now?: () => number;
}

export interface AdminServer {
  /** Binds the port; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

type Handler = (target: AdminTarget, query: URLSearchParams, req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

interface Endpoint {
  readonly help: string;
  /** Envoy answers 405 when an endpoint that changes state is called with GET. */
  readonly mutates: boolean;
  readonly handle: Handler;
}

/**
 * Creates the admin server. Throws a RangeError when `address` is not loopback: the admin API can
 * stop the proxy, so it is never exposed beyond the host.
 */
export function createAdminServer(target: AdminTarget, options: AdminServerOptions): AdminServer {
  const address = options.address ?? '127.0.0.1';
  if (!isLoopbackAddress(address)) {
    throw new RangeError(`admin server: address "${address}" is not loopback; the admin API binds only to loopback (127.0.0.1 or ::1)`);
  }
  const now = options.now ?? Date.now;
  const startedAt = now();
  const endpoints = createEndpoints(() => now() - startedAt, now);
  const server = createServer((req, res) => void dispatch(req, res));

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    const endpoint = endpoints.get(url.pathname);
    if (!endpoint) return reply(res, 404, TEXT, `invalid path. ${helpText(endpoints)}`);
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return reply(res, 405, TEXT, 'Method Not Allowed\n');
    const mutates = endpoint.mutates || (url.pathname === '/logging' && url.searchParams.size > 0);
    if (mutates && method !== 'POST') return reply(res, 405, TEXT, 'This endpoint changes state and requires POST.\n');
    try {
      await endpoint.handle(target, url.searchParams, req, res);
    } catch (err) {
      if (!res.headersSent) reply(res, 500, TEXT, `admin: ${(err as Error).message}\n`);
    }
  }

  return {
    listen: () => listen(server, options.port, address),
    close: () => close(server),
  };
}

function createEndpoints(uptimeMs: () => number, now: () => number): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  const add = (path: string, help: string, mutates: boolean, handle: Handler): void => {
    endpoints.set(path, { help, mutates, handle });
  };
  add('/', 'print the admin commands', false, (_t, _q, _req, res) => reply(res, 200, TEXT, helpText(endpoints)));
  add('/help', 'print the admin commands', false, (_t, _q, _req, res) => reply(res, 200, TEXT, helpText(endpoints)));
  add('/config_dump', 'dump the current xDS config and the SDS secrets (private keys redacted)', false, (t, _q, _req, res) => {
    const configs = t.configDump();
    const secrets = buildSecretsConfigDump(t.secrets());
    reply(res, 200, JSON_TYPE, JSON.stringify({ configs: [...(Array.isArray(configs) ? configs : [configs]), secrets] }, null, 1));
  });
  add('/certs', 'print the certificates the TLS contexts hold, with their expiry', false, (t, _q, _req, res) => {
    reply(res, 200, JSON_TYPE, JSON.stringify(formatCertificates(t.secrets(), now()), null, 1));
  });
  add('/clusters', 'upstream cluster status (?format=json)', false, (t, q, _req, res) => {
    if (q.get('format') === 'json') reply(res, 200, JSON_TYPE, JSON.stringify(formatClustersJson(t.clusterStatuses()), null, 1));
    else reply(res, 200, TEXT, formatClustersText(t.clusterStatuses()));
  });
  add('/stats', 'print server stats (?format=json, ?filter=<re2 regex>)', false, async (t, q, _req, res) => {
    if (q.get('format') === 'prometheus') return reply(res, 200, PROMETHEUS_TYPE, await t.prometheus());
    const selected = selectStats(t.stats(), q.get('filter'));
    if (!selected.ok) return reply(res, 400, TEXT, `${selected.error}\n`);
    if (q.get('format') === 'json') reply(res, 200, JSON_TYPE, JSON.stringify(formatStatsJson(selected.entries)));
    else reply(res, 200, TEXT, formatStatsText(selected.entries));
  });
  add('/stats/prometheus', 'print server stats in prometheus format', false, async (t, _q, _req, res) => {
    reply(res, 200, PROMETHEUS_TYPE, await t.prometheus());
  });
  add('/ready', 'print the server state; 200 only when LIVE', false, (t, _q, _req, res) => {
    const state = t.state();
    reply(res, state === 'LIVE' ? 200 : 503, TEXT, `${state}\n`);
  });
  add('/logging', 'list the log level; POST ?level=<level> changes it', false, (t, q, _req, res) => {
    const level = q.get('level');
    if (level !== null && !t.setLogLevel(level)) return reply(res, 400, TEXT, `error: unknown log level "${level}"\n`);
    reply(res, 200, TEXT, `active loggers:\n  heddle: ${t.logLevel()}\n`);
  });
  add('/drain_listeners', 'drain the listeners (?graceful, ?inboundonly)', true, (t, q, _req, res) => {
    t.drainListeners({ graceful: q.has('graceful'), inboundOnly: q.has('inboundonly') });
    reply(res, 200, TEXT, 'OK\n');
  });
  add('/quitquitquit', 'exit the server', true, (t, _q, _req, res) => {
    res.once('finish', () => t.quit());
    reply(res, 200, TEXT, 'OK\n');
  });
  add('/server_info', 'print server version, state, uptime and options', false, (t, _q, _req, res) => {
    const uptime = `${Math.floor(uptimeMs() / 1000)}s`;
    const info = { ...t.serverInfo(), state: t.state(), uptime_current_epoch: uptime, uptime_all_epochs: uptime };
    reply(res, 200, JSON_TYPE, JSON.stringify(info, null, 1));
  });
  return endpoints;
}

function helpText(endpoints: ReadonlyMap<string, Endpoint>): string {
  let out = 'admin commands are:\n';
  for (const [path, e] of endpoints) out += `  ${path}: ${e.help}${e.mutates ? ' (POST)' : ''}\n`;
  return out;
}
