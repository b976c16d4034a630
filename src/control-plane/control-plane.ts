// The control plane process: Galley over the config directory, and the monitoring server.
// Pilot (xDS) and Citadel (CA) join here as they land.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createFileSource, createGalley, type Galley } from '../galley/index.js';
import type { Logger } from '../log/index.js';
import { instrumentGalley } from './galley-metrics.js';
import { startMonitoring, type MonitoringServer } from './monitoring.js';

export interface ControlPlaneConfig {
  /** Config files and directories, watched for changes. */
  readonly configPaths: readonly string[];
  /** Address the monitoring server binds. */
  readonly monitoringHost: string;
  /** Monitoring port (Istio's 15014); 0 picks a free one. */
  readonly monitoringPort: number;
  /** Debounce of config file events, in ms. */
  readonly debounceMs: number;
}

export interface ControlPlane {
  readonly galley: Galley;
  readonly monitoring: MonitoringServer;
  stop(): Promise<void>;
}

/** Starts the control plane and resolves once it has loaded its config and listens. */
export async function startControlPlane(config: ControlPlaneConfig, log: Logger): Promise<ControlPlane> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const galley = createGalley({
    source: createFileSource({ paths: config.configPaths, debounceMs: config.debounceMs }),
    log: log.child({ component: 'galley' }),
  });
  const uninstrument = instrumentGalley(galley, registry);
  await galley.start({ watch: true });
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
    },
  });
  return {
    galley,
    monitoring,
    async stop() {
      galley.stop();
      uninstrument();
      await monitoring.close();
    },
  };
}
