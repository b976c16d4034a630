// Starts `heddle control-plane` as the e2e tests run it: JSON logs, system-picked ports, short debounces.
import type { ChildProcess } from 'node:child_process';
import { startHeddle } from './heddle.js';

/**
 * Starts `heddle control-plane` on the config in `configDir` with its CA in `caDir`, xDS on
 * `xdsPort` (picked by the system when 0), TLS xDS and monitoring on system-picked ports, 20 ms
 * debounces, and `extraArgs` last. The caller waits for its `xds` log line and stops it.
 */
export function startControlPlaneProcess(configDir: string, caDir: string, extraArgs: readonly string[] = [], xdsPort = 0): ChildProcess {
  return startHeddle([
    'control-plane', '--log-format', 'json', '--config', configDir, '--ca-dir', caDir,
    '--xds-port', String(xdsPort), '--secure-port', '0', '--monitoring-port', '0',
    '--debounce', '20', '--push-debounce', '20',
    ...extraArgs,
  ]);
}
