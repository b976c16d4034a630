// The agent port (15020), as Istio's agent serves it: merged metrics, readiness, quit and drain.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminTarget } from './admin-target.js';
import { PROMETHEUS_TYPE, TEXT, close, isLoopbackAddress, listen, reply } from './admin-http.js';
import { replyReadiness } from './health-server.js';
import { scrapeTimeoutMs } from './app-metrics.js';
import { mergePrometheusText } from './prometheus-merge.js';

/** What the agent port asks of the proxy: the admin target's state, metrics, drain and quit. */
export type AgentTarget = Pick<AdminTarget, 'state' | 'prometheus' | 'drainListeners' | 'quit'>;

export interface AgentServerOptions {
  /** 15020 by default; 0 picks a free port. */
  readonly port?: number;
  /** 0.0.0.0 by default: Prometheus scrapes the merged metrics from outside the pod. */
  readonly address?: string;
  readonly target: AgentTarget;
  /** The agent's own metrics, served last. */
  readonly agentMetrics: () => Promise<string>;
  /**
   * The application's metrics, served between the proxy's and the agent's, read within
   * `timeoutMs` (what the scraper allows); a failure is told to `onAppMetricsFailure` and leaves
   * the rest of the page as it is.
   */
  readonly appMetrics?: (timeoutMs: number | undefined) => Promise<string>;
  readonly onAppMetricsFailure?: (err: Error) => void;
  /** Whether `/drain` stops the inbound listeners only (a sidecar, as Istio's agent drains it) or all (a gateway). Default true. */
  readonly inboundOnlyDrain?: boolean;
  /** Which peers may quit or drain the proxy; loopback peers only by default, as Istio's agent allows. */
  readonly isLocalPeer?: (remoteAddress: string) => boolean;
}

export interface AgentServer {
  /** Binds the port; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/**
 * Creates the agent server:
 * - GET `/healthz/ready`: 200 while the proxy is LIVE, 503 before its first config and once it drains;
 * - GET `/stats/prometheus`: the proxy's exposition, the app's (when configured), then the agent's, with each family once;
 * - POST `/quitquitquit`: answers 200, then quits the proxy;
 * - POST `/drain`: starts a graceful drain of the (inbound) listeners; the process keeps running.
 * GET routes take HEAD too. Another method gets 405, another path 404, and quit or drain from a
 * peer that is not local 403: this port listens beyond the host.
 */
export function createAgentServer(options: AgentServerOptions): AgentServer {
  const port = options.port ?? 15020;
  const address = options.address ?? '0.0.0.0';
  const isLocalPeer = options.isLocalPeer ?? isLoopbackAddress;
  const { target } = options;
  const routes = new Map<string, Route>([
    ['/healthz/ready', { method: 'GET', handle: (_req, res) => replyReadiness(res, target.state()) }],
    ['/stats/prometheus', {
      method: 'GET',
      handle: async (req, res) => {
        const app = options.appMetrics?.(scrapeTimeoutMs(req.headers['x-prometheus-scrape-timeout-seconds'])).catch((err: Error) => {
          options.onAppMetricsFailure?.(err);
          return '';
        });
        const [proxy, appText] = await Promise.all([target.prometheus(), app ?? '']);
        // The agent's last, so that an app failure of this scrape is already counted on this page.
        reply(res, 200, PROMETHEUS_TYPE, mergePrometheusText([proxy, appText, await options.agentMetrics()]));
      },
    }],
    ['/quitquitquit', {
      method: 'POST',
      handle: (_req, res) => {
        res.once('finish', () => target.quit());
        reply(res, 200, TEXT, 'OK\n');
      },
    }],
    ['/drain', {
      method: 'POST',
      handle: (_req, res) => {
        target.drainListeners({ graceful: true, inboundOnly: options.inboundOnlyDrain ?? true });
        reply(res, 200, TEXT, 'OK\n');
      },
    }],
  ]);
  const server = createServer((req, res) => void dispatch(req, res));

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const route = routes.get(path);
    if (!route) return reply(res, 404, TEXT, 'Not Found\n');
    const method = req.method ?? 'GET';
    if (method !== route.method && !(route.method === 'GET' && method === 'HEAD')) {
      res.setHeader('allow', route.method === 'GET' ? 'GET, HEAD' : 'POST');
      return reply(res, 405, TEXT, 'Method Not Allowed\n');
    }
    if (route.method === 'POST' && !isLocalPeer(req.socket.remoteAddress ?? '')) {
      return reply(res, 403, TEXT, 'Only requests from localhost are allowed\n');
    }
    try {
      await route.handle(req, res);
    } catch (err) {
      if (!res.headersSent) reply(res, 500, TEXT, `agent: ${(err as Error).message}\n`);
    }
  }

  return {
    listen: () => listen(server, port, address),
    close: () => close(server),
  };
}
