// `heddle proxy-status`: every connected proxy and whether each xDS type is SYNCED, STALE (sent,
// not yet ACKed), NACKED or NOT SENT, as `istioctl proxy-status` shows it.
import type { Command } from 'commander';
import type { ProxySyncStatus, SynczResponse } from '../../pilot/server/index.js';
import { outputOption } from '../options.js';
import { DEFAULT_CONTROL_PLANE, getSyncz, shortProxyName } from './debug-api.js';
import { formatTable } from './table.js';

const TYPES = ['CDS', 'LDS', 'EDS', 'RDS'] as const;

/** `grpc` for proxyless clients, else the proxy type (`sidecar`, `router`). */
function kindOf(p: ProxySyncStatus): string {
  return p.generator === 'grpc' ? 'grpc' : p.proxyType;
}

/** The proxy-status table: NAME | TYPE | CDS | LDS | EDS | RDS | VERSION, then each NACK's reason. */
export function formatProxyStatus(syncz: SynczResponse): string {
  if (syncz.proxies.length === 0) return 'no proxies are connected\n';
  const rows = syncz.proxies.map((p) => [
    shortProxyName(p.proxy),
    kindOf(p),
    ...TYPES.map((t) => p.xds[t]?.state ?? 'NOT SENT'),
    p.version ?? '-',
  ]);
  const table = formatTable({ headers: ['NAME', 'TYPE', ...TYPES, 'VERSION'], rows });
  const nacks = syncz.proxies.flatMap((p) =>
    Object.entries(p.xds)
      .filter(([, s]) => s.state === 'NACKED' && s.nack)
      .map(([type, s]) => `${shortProxyName(p.proxy)} ${type} NACK (version ${s.nack?.version}): ${s.nack?.message}`),
  );
  return nacks.length > 0 ? `${table}\n${nacks.join('\n')}\n` : table;
}

/** Adds `heddle proxy-status [-o json] [--control-plane URL]`. */
export function registerProxyStatus(program: Command): void {
  program
    .command('proxy-status')
    .description('show every proxy connected to the control plane and whether its CDS, LDS, EDS and RDS are SYNCED, STALE, NACKED or NOT SENT')
    .addOption(outputOption())
    .option('--control-plane <url>', 'the control plane\'s monitoring address', DEFAULT_CONTROL_PLANE)
    .action(async (opts: { output: 'text' | 'json'; controlPlane: string }) => {
      const syncz = await getSyncz(opts.controlPlane);
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(syncz.proxies, null, 2)}\n` : formatProxyStatus(syncz));
    });
}
