// One sidecar (or gateway) proxy: the xDS client feeds the cluster manager, the route tables and
// the listener manager, in that order, so that clusters are live before the listeners that use them.
import type { Logger } from '../../log/index.js';
import { createAdminServer, type AdminServer } from '../admin/admin-server.js';
import { createSecretHistory } from '../admin/admin-secret-history.js';
import { createStatsServer, type StatsServer } from '../admin/stats-server.js';
import { NO_SECRETS } from '../tls/secret-provider.js';
import type { DrainScope } from '../listener/listener-manager.js';
import type { XdsClient } from '../xds-client/xds-client.js';
import type { ProxyConfig } from '../xds-client/proxy-config.js';
import { createSidecarAdminTarget } from './sidecar-admin.js';
import { createSidecarAgentPorts, type SidecarAgentPorts } from './sidecar-agent-ports.js';
import { createSidecarRuntime } from './sidecar-runtime.js';
import { createSidecarXdsClient, type SidecarOptions, type SidecarPorts } from './sidecar-options.js';

export interface Sidecar {
  /** Connects to the control plane and starts the admin, stats, agent and health servers (the last two when on). */
  start(): Promise<SidecarPorts>;
  /** The latest config applied, if any. */
  readonly config: ProxyConfig | undefined;
  readonly state: 'PRE_INITIALIZING' | 'LIVE' | 'DRAINING';
  /** Resolves once the first complete config is serving. */
  ready(): Promise<void>;
  /**
   * Stops accepting on the listeners `scope` names (all by default) and waits, up to the drain
   * timeout, for their connections (every listener's with `settleAll`) to end.
   */
  drain(scope?: DrainScope): Promise<void>;
  close(): Promise<void>;
  /** Bound listener sockets. */
  addresses(): { listener: string; address: string; port: number }[];
}

export function createSidecar(given: SidecarOptions, log: Logger): Sidecar {
  // The TLS contexts read their secrets through a history, so the admin can say when each arrived.
  const options: SidecarOptions = { ...given, secrets: createSecretHistory(given.secrets ?? NO_SECRETS) };
  const runtime = createSidecarRuntime(options, log);
  const { clusters, listeners, metrics } = runtime;
  let current: ProxyConfig | undefined;
  let state: Sidecar['state'] = 'PRE_INITIALIZING';
  let resolveReady: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  let applying = Promise.resolve();

  let xds: XdsClient | undefined;

  async function apply(config: ProxyConfig): Promise<void> {
    await runtime.apply(config);
    current = config;
    if (config.ready && state === 'PRE_INITIALIZING') {
      state = 'LIVE';
      log.info({ listeners: listeners.addresses() }, 'sidecar ready');
      resolveReady();
    }
  }

  let admin: AdminServer | undefined;
  let stats: StatsServer | undefined;
  let agentPorts: SidecarAgentPorts | undefined;
  const sidecar: Sidecar = {
    get config() {
      return current;
    },
    get state() {
      return state;
    },
    async start() {
      const target = createSidecarAdminTarget({ sidecar, clusters, listeners: listeners, xds: () => xds, metrics, log, options });
      admin = createAdminServer(target, { port: options.adminPort });
      stats = createStatsServer({ port: options.statsPort, metrics: () => metrics.metrics() });
      agentPorts = createSidecarAgentPorts(options, target);
      const [a, s, agentBound] = await Promise.all([admin.listen(), stats.listen(), agentPorts.listen()]);
      // The bound admin port (--admin-port 0 picks one) goes in the node metadata, for `proxy-config secrets`.
      xds = createSidecarXdsClient({ ...options, adminPort: a.port }, log);
      xds.onUpdate((config) => {
        applying = applying.then(() => apply(config)).catch((err: unknown) => log.error({ err }, 'applying config failed'));
      });
      return { admin: a.port, stats: s.port, ...agentBound };
    },
    ready: () => readyPromise,
    async drain(scope) {
      state = 'DRAINING';
      await listeners.drain(options.drainTimeoutMs, scope);
    },
    async close() {
      xds?.close();
      await runtime.close();
      await Promise.all([admin?.close(), stats?.close(), agentPorts?.close()]);
    },
    addresses: () => listeners.addresses(),
  };
  return sidecar;
}
