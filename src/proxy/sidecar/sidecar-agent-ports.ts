// The sidecar's agent port (15020) and health port (15021), each on when its port is given, both
// answering for the same admin target as the admin port does.
import { createAgentMetrics } from '../admin/agent-metrics.js';
import { fetchAppMetrics } from '../admin/app-metrics.js';
import { createAgentServer, type AgentServer, type AgentTarget } from '../admin/agent-server.js';
import { createHealthServer, type HealthServer } from '../admin/health-server.js';
import { NO_SECRETS } from '../tls/secret-provider.js';
import type { SidecarOptions } from './sidecar-options.js';

/** The ports actually bound; a port left out of the options stays off and is absent here. */
export interface AgentPortsBound {
  readonly agent?: number;
  readonly health?: number;
}

export interface SidecarAgentPorts {
  /** Binds the ports that are on; rejects when one cannot be bound (and closes the other). */
  listen(): Promise<AgentPortsBound>;
  close(): Promise<void>;
}

/** Creates the servers for `options.agentPort` and `options.healthPort`; nothing is bound until `listen()`. */
export function createSidecarAgentPorts(options: SidecarOptions, target: AgentTarget): SidecarAgentPorts {
  const metrics = createAgentMetrics({ secrets: options.secrets ?? NO_SECRETS });
  const agent: AgentServer | undefined = options.agentPort === undefined
    ? undefined
    : createAgentServer({
      port: options.agentPort,
      target,
      agentMetrics: () => metrics.scrape(),
      inboundOnlyDrain: options.proxyType === 'sidecar',
      ...(options.appMetrics ? { appMetrics: (timeoutMs: number | undefined) => fetchAppMetrics(options.appMetrics!, timeoutMs), onAppMetricsFailure: () => metrics.scrapeFailed('application') } : {}),
    });
  const health: HealthServer | undefined = options.healthPort === undefined
    ? undefined
    : createHealthServer({ port: options.healthPort, state: () => target.state() });
  const close = async (): Promise<void> => {
    await Promise.all([agent?.close(), health?.close()]);
  };
  return {
    async listen() {
      // Settled, not raced: a bind that fails must not leave the other one binding after the close.
      const [a, h] = await Promise.allSettled([agent?.listen(), health?.listen()]);
      const failed = [a, h].find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        await close();
        throw failed.reason;
      }
      const port = (r: typeof a) => (r.status === 'fulfilled' ? r.value?.port : undefined);
      const agentPort = port(a);
      const healthPort = port(h);
      return { ...(agentPort !== undefined ? { agent: agentPort } : {}), ...(healthPort !== undefined ? { health: healthPort } : {}) };
    },
    close,
  };
}
