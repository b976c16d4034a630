// The control plane process: Galley over the config directory, Pilot's ADS server, and the
// monitoring server. Citadel (CA) joins here as it lands.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createFileSource, createGalley, type Galley } from '../galley/index.js';
import { logger } from '../log/index.js';
import { instrumentGalley } from './galley-metrics.js';
import { startMonitoring, type MonitoringServer } from './monitoring.js';
import { startPilot, type Pilot } from './pilot.js';
import { xdsDebugHandlers } from './xds-debug.js';

/** The control plane's settings, as the CLI flags give them. */
export interface ControlPlaneConfig {
  /** Config files and directories, watched for changes. */
  readonly configPaths: readonly string[];
  /** Address the monitoring server binds. */
  readonly monitoringHost: string;
  /** Monitoring port (Istio's 15014); 0 picks a free one. */
  readonly monitoringPort: number;
  /** Debounce of config file events, in ms. */
  readonly debounceMs: number;
  /** Address the xDS server binds; the monitoring host when absent. */
  readonly xdsHost?: string;
  /** xDS port (Istio's 15010); 0 picks a free one. */
  readonly xdsPort: number;
  /** Quiet time before a push, in ms (Istio: 100). */
  readonly pushDebounceMs?: number;
  /** Longest a change waits for its push, in ms (Istio: 10 000). */
  readonly pushDebounceMaxMs?: number;
}

/** The running control plane. */
export interface ControlPlane {
  readonly galley: Galley;
  readonly pilot: Pilot;
  readonly monitoring: MonitoringServer;
  stop(): Promise<void>;
}

/** Starts the control plane and resolves once it has loaded its config and listens. */
export async function startControlPlane(config: ControlPlaneConfig): Promise<ControlPlane> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const galley = createGalley({
    source: createFileSource({ paths: config.configPaths, debounceMs: config.debounceMs }),
    log: logger('galley'),
  });
  const uninstrument = instrumentGalley(galley, registry);
  await galley.start({ watch: true });
  // If a server cannot start (a port in use, say), stop what already runs so the process can exit.
  const started: Array<() => unknown> = [() => galley.stop(), uninstrument];
  const undo = async (err: unknown): Promise<never> => {
    for (const stop of started.reverse()) await stop();
    throw err;
  };
  const pilot = await startPilot(
    galley,
    {
      host: config.xdsHost ?? config.monitoringHost,
      port: config.xdsPort,
      debounceMs: config.pushDebounceMs ?? 100,
      maxDebounceMs: config.pushDebounceMaxMs ?? 10_000,
    },
    registry,
    logger('pilot'),
  ).catch(undo);
  started.push(() => pilot.stop());
  const monitoring = await startMonitoring({
    host: config.monitoringHost,
    port: config.monitoringPort,
    registry,
    ready: () => galley.snapshot().version > 0,
    debug: {
      '/debug/configz': () => {
        const snap = galley.snapshot();
        return {
          version: snap.version,
          resources: snap.all().map((e) => ({ ...e.resource, source: e.location ?? null })),
        };
      },
      '/debug/rejectionz': () => ({ rejections: galley.rejections() }),
      ...xdsDebugHandlers(pilot.server),
    },
  }).catch(undo);
  return {
    galley,
    pilot,
    monitoring,
    async stop() {
      galley.stop();
      uninstrument();
      await pilot.stop();
      await monitoring.close();
    },
  };
}
