// `heddle control-plane --config DIR`: runs the control plane until interrupted.
import type { Command } from 'commander';
import { startControlPlane } from '../../control-plane/control-plane.js';
import { logger } from '../../log/index.js';
import { collect, parsePort } from '../options.js';

interface ControlPlaneOptions {
  config: string[];
  monitoringPort: number;
  bind: string;
  debounce: number;
}

export function registerControlPlane(program: Command): void {
  program
    .command('control-plane')
    .description('run the control plane (Galley, with Pilot and Citadel as they land) on a config directory, applying changes live')
    .requiredOption('-c, --config <path>', 'config file or directory of Istio YAML (repeatable)', collect, [])
    .option('--monitoring-port <port>', 'monitoring and debug port (/metrics, /debug/configz)', parsePort('--monitoring-port'), 15014)
    .option('--bind <address>', 'address the control plane listens on', '127.0.0.1')
    .option('--debounce <ms>', 'debounce for config changes, in ms', (v) => Number(v), 100)
    .action(async (opts: ControlPlaneOptions) => {
      const log = logger('control-plane');
      const cp = await startControlPlane(
        { configPaths: opts.config, monitoringHost: opts.bind, monitoringPort: opts.monitoringPort, debounceMs: opts.debounce },
        log,
      );
      const snap = cp.galley.snapshot();
      log.info(
        { version: snap.version, resources: snap.all().length, monitoring: `http://${opts.bind}:${cp.monitoring.port}` },
        `control plane ready: ${snap.all().length} resources from ${opts.config.join(', ')}; monitoring on http://${opts.bind}:${cp.monitoring.port}`,
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
