// `--concurrency N`: one primary process holds the xDS stream, the admin, stats, agent and health servers;
// N worker processes (node:cluster) run the data path and share the listening sockets, as Envoy's
// worker threads share its listeners. Each snapshot goes to every worker over IPC.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../../log/index.js';
import { createAdminServer } from '../admin/admin-server.js';
import { createSecretHistory } from '../admin/admin-secret-history.js';
import type { AdminTarget, ClusterStatus } from '../admin/admin-target.js';
import { createStatsServer } from '../admin/stats-server.js';
import type { DrainScope } from '../listener/listener-manager.js';
import type { XdsClient } from '../xds-client/xds-client.js';
import type { ProxyConfig } from '../xds-client/proxy-config.js';
import { buildConfigDump, clusterStatsOf, clusterStatusesOf, namedSecretsOf, setLogLevel } from './sidecar-admin.js';
import { createSidecarAgentPorts } from './sidecar-agent-ports.js';
import { createSidecarXdsClient, terminationDrain, type SidecarOptions, type SidecarPorts } from './sidecar-options.js';
import { createSidecarRuntime } from './sidecar-runtime.js';
import { NO_SECRETS } from '../tls/secret-provider.js';
import { applySecretMessage, createSecretRelay, referencedSecretNames, type SecretMessage } from '../tls/secret-relay.js';
import { createSecretStore } from '../tls/secret-store.js';

/**
 * Messages between the primary and its workers. `heddle:drain` with `exit` stops the worker once
 * drained (shutdown); without it the worker only stops accepting (/drain_listeners, /drain).
 */
type ToWorker = { type: 'heddle:config'; config: ProxyConfig } | { type: 'heddle:status' } | { type: 'heddle:drain'; timeoutMs: number; exit: boolean; scope: DrainScope } | SecretMessage;
type ToPrimary =
  | { type: 'heddle:listening' }
  | { type: 'heddle:applied'; version: number; ready: boolean; addresses: { listener: string; address: string; port: number }[] }
  | { type: 'heddle:status'; clusters: ClusterStatus[]; stats: [string, number][] };

/** How often the primary refreshes the workers' cluster and stats view for the admin server. */
const STATUS_INTERVAL_MS = 1000;

export interface SidecarWorkers {
  /** Starts the workers, the admin, stats, agent and health servers (the last two when on), and the xDS stream. */
  start(): Promise<SidecarPorts>;
  /** Drains every worker, then stops. */
  stop(): Promise<void>;
}

/** The primary side: call only in the cluster primary. */
export function createSidecarWorkers(given: SidecarOptions, log: Logger, concurrency: number): SidecarWorkers {
  // The relay reads the secrets through a history, so the admin can say when each arrived.
  const options: SidecarOptions = { ...given, secrets: createSecretHistory(given.secrets ?? NO_SECRETS) };
  cluster.setupPrimary({ serialization: 'advanced' });
  const aggregator = new AggregatorRegistry();
  // `listening`: the worker has said its message handler is attached. A message sent before that is
  // lost (a worker still loading its modules has no handler yet), so nothing is sent until then.
  const workers = new Map<Worker, { listening: boolean; version: number; ready: boolean; clusters: ClusterStatus[]; stats: [string, number][] }>();
  let latest: ProxyConfig | undefined;
  let state: 'PRE_INITIALIZING' | 'LIVE' | 'DRAINING' = 'PRE_INITIALIZING';
  let stopping = false;
  let xdsStatus: () => unknown = () => undefined;
  let timer: NodeJS.Timeout | undefined;

  const send = (worker: Worker, message: ToWorker): void => {
    if (worker.isConnected() && workers.get(worker)?.listening) worker.send(message);
  };
  // Keys travel only over the IPC channel to the proxy's own workers; sent before each config that names them.
  const secrets = createSecretRelay(options.secrets ?? NO_SECRETS, (message) => {
    for (const w of workers.keys()) send(w, message);
  });

  function fork(): void {
    const worker = cluster.fork({ HEDDLE_SIDECAR_WORKER: '1' });
    workers.set(worker, { listening: false, version: 0, ready: false, clusters: [], stats: [] });
    worker.on('message', (message: ToPrimary) => onMessage(worker, message));
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) return;
      log.error({ code, signal }, 'sidecar worker exited; starting another');
      fork();
    });
  }

  function onMessage(worker: Worker, message: ToPrimary): void {
    const entry = workers.get(worker);
    if (!entry) return;
    if (message.type === 'heddle:listening') {
      entry.listening = true;
      secrets.replay((m) => send(worker, m));
      if (latest) send(worker, { type: 'heddle:config', config: latest });
    } else if (message.type === 'heddle:applied') {
      entry.version = message.version;
      entry.ready = message.ready;
      if (state === 'PRE_INITIALIZING' && [...workers.values()].every((w) => w.ready)) {
        state = 'LIVE';
        log.info({ listeners: message.addresses, workers: workers.size }, 'sidecar ready');
      }
    } else if (message.type === 'heddle:status') {
      entry.clusters = message.clusters;
      entry.stats = message.stats;
    }
  }

  /** Hosts of every worker, with their counters summed. */
  function mergedClusters(): ClusterStatus[] {
    const byName = new Map<string, Map<string, ClusterStatus['hosts'][number]>>();
    for (const { clusters } of workers.values()) {
      for (const c of clusters) {
        const hosts = byName.get(c.name) ?? new Map<string, ClusterStatus['hosts'][number]>();
        byName.set(c.name, hosts);
        for (const h of c.hosts) {
          const key = `${h.address}:${h.port}`;
          const prev = hosts.get(key);
          hosts.set(key, prev
            ? { ...h, rqActive: prev.rqActive + h.rqActive, rqTotal: prev.rqTotal + h.rqTotal, rqError: prev.rqError + h.rqError, cxActive: prev.cxActive + h.cxActive, outlierEjected: prev.outlierEjected || h.outlierEjected }
            : h);
        }
      }
    }
    return [...byName.entries()].map(([name, hosts]) => ({ name, hosts: [...hosts.values()] }));
  }

  function mergedStats(): Map<string, number> {
    const out = new Map<string, number>();
    for (const { stats } of workers.values()) for (const [k, v] of stats) out.set(k, (out.get(k) ?? 0) + v);
    out.set('server.concurrency', concurrency);
    return out;
  }

  const target: AdminTarget = {
    secrets: () => namedSecretsOf(latest, options.secrets ?? NO_SECRETS),
    configDump: () => buildConfigDump(latest, options, xdsStatus()),
    clusterStatuses: mergedClusters,
    stats: mergedStats,
    state: () => state,
    drainListeners(request) {
      state = 'DRAINING';
      for (const w of workers.keys()) send(w, { type: 'heddle:drain', timeoutMs: options.drainTimeoutMs, exit: false, scope: { inboundOnly: request.inboundOnly } });
    },
    quit() {
      void stop().then(() => process.exit(0));
    },
    logLevel: () => log.level,
    setLogLevel: (level) => setLogLevel(log, level),
    prometheus: () => aggregator.clusterMetrics(),
    serverInfo: () => ({ version: 'heddle', command_line_options: { mode: options.mode, xds: options.xdsAddress, concurrency } }),
  };
  const admin = createAdminServer(target, { port: options.adminPort });
  const stats = createStatsServer({ port: options.statsPort, metrics: () => aggregator.clusterMetrics() });
  // Readiness here is the workers' (the target's state), and the merged metrics are their sum.
  const agentPorts = createSidecarAgentPorts(options, target);

  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    state = 'DRAINING';
    clearInterval(timer);
    const exits = [...workers.keys()].map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      w.once('exit', () => resolve());
      send(w, { type: 'heddle:drain', timeoutMs: options.drainTimeoutMs, exit: true, scope: terminationDrain(options) });
      setTimeout(() => w.kill('SIGKILL'), options.drainTimeoutMs + 2000).unref();
    }));
    await Promise.all(exits);
    secrets.close();
    xds?.close();
    await Promise.all([admin.close(), stats.close(), agentPorts.close()]);
  }

  let xds: XdsClient | undefined;
  return {
    async start() {
      for (let i = 0; i < concurrency; i++) fork();
      const [a, s, agentBound] = await Promise.all([admin.listen(), stats.listen(), agentPorts.listen()]);
      xds = createSidecarXdsClient({ ...options, adminPort: a.port }, log);
      const client = xds;
      xdsStatus = () => client.status();
      client.onUpdate((config) => {
        latest = config;
        secrets.track(referencedSecretNames(config.listeners.values(), config.clusters.values()));
        for (const w of workers.keys()) send(w, { type: 'heddle:config', config });
      });
      timer = setInterval(() => {
        for (const w of workers.keys()) send(w, { type: 'heddle:status' });
      }, STATUS_INTERVAL_MS);
      timer.unref();
      return { admin: a.port, stats: s.port, ...agentBound };
    },
    stop,
  };
}

/** The worker side: runs the data path for the snapshots the primary sends. Call only in a cluster worker. */
export function runSidecarWorker(options: SidecarOptions, log: Logger): void {
  const secrets = createSecretStore();
  const runtime = createSidecarRuntime({ ...options, secrets }, log);
  // Prometheus scrapes reach the primary, which asks every worker for its metrics and sums them.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([runtime.metrics.registry]);
  let applying = Promise.resolve();
  const reply = (message: ToPrimary): void => {
    if (process.connected) process.send?.(message);
  };
  process.on('message', (message: ToWorker) => {
    if (message.type === 'heddle:config') {
      const config = message.config;
      applying = applying
        .then(() => runtime.apply(config))
        .then(() => reply({ type: 'heddle:applied', version: config.version, ready: config.ready, addresses: runtime.listeners.addresses() }))
        .catch((err: unknown) => log.error({ err }, 'applying config failed'));
    } else if (message.type === 'heddle:secret') {
      applySecretMessage(secrets, message);
    } else if (message.type === 'heddle:status') {
      reply({ type: 'heddle:status', clusters: clusterStatusesOf(runtime.clusters), stats: [...clusterStatsOf(runtime.clusters, runtime.listeners)] });
    } else if (message.type === 'heddle:drain') {
      // A drain that is not a shutdown keeps the worker: were it to exit, the primary would fork a fresh one that listens again.
      if (!message.exit) void runtime.listeners.drain(message.timeoutMs, message.scope);
      else void runtime.listeners.drain(message.timeoutMs, message.scope).then(() => runtime.close()).then(() => process.exit(0));
    }
  });
  reply({ type: 'heddle:listening' });
  // The primary decides when to stop; a signal to the process group must not cut the drain short.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
}
