// `heddle control-plane --config DIR`: runs the control plane until interrupted.
import type { Command } from 'commander';
import { startControlPlane } from '../../control-plane/control-plane.js';
import { logger } from '../../log/index.js';
import { collect, parsePort } from '../options.js';

interface ControlPlaneOptions {
  config: string[];
  monitoringPort: number;
  xdsPort: number;
  bind: string;
  debounce: number;
  pushDebounce: number;
}

/** `host:port`, with brackets around an IPv6 host. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseMs(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number of milliseconds, got "${value}"`);
    return n;
  };
}

/** Adds `heddle control-plane`; its ready line carries `xds` (host:port) and `monitoring` (URL) for scripts. */
export function registerControlPlane(program: Command): void {
  program
    .command('control-plane')
    .description('run the control plane (Galley and Pilot\'s xDS server, with Citadel as it lands) on a config directory, applying changes live')
    .requiredOption('-c, --config <path>', 'config file or directory of Istio YAML (repeatable)', collect, [])
    .option('--xds-port <port>', 'xDS (ADS over gRPC, plaintext) port; 0 picks a free one', parsePort('--xds-port'), 15010)
    .option('--monitoring-port <port>', 'monitoring and debug port (/metrics, /debug/syncz, /debug/configz)', parsePort('--monitoring-port'), 15014)
    .option('--bind <address>', 'address the control plane listens on', '127.0.0.1')
    .option('--debounce <ms>', 'debounce for config file changes, in ms', parseMs('--debounce'), 100)
    .option('--push-debounce <ms>', 'quiet time before pushing a change to proxies, in ms (pushes wait at most 10 s)', parseMs('--push-debounce'), 100)
    .action(async (opts: ControlPlaneOptions) => {
      if (opts.config.length === 0) throw new Error('control-plane needs --config: a file or directory of Istio YAML');
      const log = logger('control-plane');
      const cp = await startControlPlane(
        {
          configPaths: opts.config,
          monitoringHost: opts.bind,
          monitoringPort: opts.monitoringPort,
          debounceMs: opts.debounce,
          xdsPort: opts.xdsPort,
          pushDebounceMs: opts.pushDebounce,
        },
      );
      const snap = cp.galley.snapshot();
      const xds = hostPort(opts.bind, cp.pilot.port);
      const monitoring = `http://${hostPort(opts.bind, cp.monitoring.port)}`;
      log.info(
        { version: snap.version, resources: snap.all().length, xds, monitoring },
        `control plane ready: ${snap.all().length} resources from ${opts.config.join(', ')}; xds: ${xds}; monitoring on ${monitoring}`,
      );
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          log.info(`${signal}: stopping`);
          void cp.stop().then(resolve);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });
}
