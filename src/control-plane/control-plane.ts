// The control plane process: Galley over the config directory, Pilot's ADS server, Citadel's CA
// (served on the xDS port and on the TLS port), and the monitoring server.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createCitadel, type CertificateAuthorityConfig, type Citadel } from '../citadel/index.js';
import { createFileSource, createGalley, type Galley } from '../galley/index.js';
import { logger } from '../log/index.js';
import type { JwksFetchMode } from '../pilot/security/authz/jwks-fetch-mode.js';
import type { MeshConfig } from '../pilot/model/mesh-config.js';
import { appliedConfigActions } from './applied-config-api.js';
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
  /** Mesh-wide settings (`--mesh-config`); Istio's defaults when absent. */
  readonly meshConfig?: MeshConfig;
  /** Who fetches jwksUri key sets (`--jwks-fetch-mode`, PILOT_JWT_ENABLE_REMOTE_JWKS); `istiod` when absent. */
  readonly jwksFetchMode?: JwksFetchMode;
  /** Where config applied with `heddle apply` is kept across restarts (`--applied-file`); in memory only when absent. */
  readonly appliedFile?: string;
  /** Citadel's CA settings; no CA is started when absent. */
  readonly citadel?: CertificateAuthorityConfig & {
    /** Port for xDS and the CA over TLS (Istio's 15012); 0 picks a free one. */
    readonly securePort: number;
  };
}

/** The running control plane. */
export interface ControlPlane {
  readonly galley: Galley;
  readonly pilot: Pilot;
  readonly monitoring: MonitoringServer;
  /** The CA, when the config asked for one. */
  readonly citadel?: Citadel;
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
  const citadel = config.citadel ? await createCitadel(config.citadel, { log: logger('citadel'), metricsRegistry: registry }).catch(undo) : undefined;
  if (citadel) {
    const { ca } = citadel;
    logger('citadel').info(
      { source: ca.authority.source, trustDomain: ca.trustDomain, rootFingerprint: ca.rootFingerprint, trustBundleRoots: ca.trustBundlePem.length },
      `CA ready (${ca.authority.source === 'plugin' ? 'plug-in cacerts' : 'self-signed root'}); root SHA-256 fingerprint ${ca.rootFingerprint}`,
    );
  }
  const pilot = await startPilot(
    galley,
    {
      host: config.xdsHost ?? config.monitoringHost,
      port: config.xdsPort,
      debounceMs: config.pushDebounceMs ?? 100,
      maxDebounceMs: config.pushDebounceMaxMs ?? 10_000,
      ...(config.meshConfig ? { meshConfig: config.meshConfig } : {}),
      ...(config.jwksFetchMode ? { jwksFetchMode: config.jwksFetchMode } : {}),
      ...(citadel && config.citadel
        ? { extraServices: [citadel.service], secure: { port: config.citadel.securePort, credentials: citadel.serverCredentials } }
        : {}),
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
    actions: appliedConfigActions(galley, config.appliedFile, logger('galley')),
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
    ...(citadel ? { citadel } : {}),
    async stop() {
      galley.stop();
      uninstrument();
      await pilot.stop();
      await monitoring.close();
    },
  };
}
