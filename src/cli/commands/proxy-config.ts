// `heddle proxy-config (listeners|routes|clusters|endpoints) PROXY`: what the control plane last
// sent a proxy, from /debug/config_dump, as istioctl's tables or as JSON.
import { Argument, type Command } from 'commander';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/index.js';
import type { ConfigDumpResponse } from '../../pilot/server/index.js';
import { outputOption } from '../options.js';
import { DEFAULT_CONTROL_PLANE, getConfigDump, getSyncz, resolveProxy } from './debug-api.js';
import { clusterTable, endpointTable, listenerTable, routeTable } from './proxy-config-tables.js';
import { formatTable, type Table } from './table.js';

type Json = Readonly<Record<string, unknown>>;

const KINDS = {
  clusters: { typeUrl: CLUSTER_TYPE, table: clusterTable },
  listeners: { typeUrl: LISTENER_TYPE, table: listenerTable },
  routes: { typeUrl: ROUTE_TYPE, table: routeTable },
  endpoints: { typeUrl: ENDPOINT_TYPE, table: endpointTable },
} as const satisfies Record<string, { typeUrl: string; table: (resources: readonly Json[]) => Table }>;

/** The kinds of config `proxy-config` prints. */
export type ProxyConfigKind = keyof typeof KINDS;

/** The decoded resources of `kind` in a config dump (none when the proxy never got that type). */
export function resourcesOf(dump: ConfigDumpResponse, kind: ProxyConfigKind): Json[] {
  const typeUrl = KINDS[kind].typeUrl;
  return (dump.configs.find((c) => c.typeUrl === typeUrl)?.resources ?? []).map((r) => r.resource);
}

/** The `kind` table of a config dump. */
export function formatProxyConfig(dump: ConfigDumpResponse, kind: ProxyConfigKind): string {
  return formatTable(KINDS[kind].table(resourcesOf(dump, kind)));
}

/** Adds `heddle proxy-config KIND PROXY [-o json] [--control-plane URL]`. */
export function registerProxyConfig(program: Command): void {
  program
    .command('proxy-config')
    .description('show the listeners, routes, clusters or endpoints the control plane last sent a proxy')
    .addArgument(new Argument('<kind>', 'what to show').choices(Object.keys(KINDS)))
    .argument('<proxy>', 'the proxy: its id, or a unique prefix of its id or of its name (productpage-v1.default)')
    .addOption(outputOption())
    .option('--control-plane <url>', 'the control plane\'s monitoring address', DEFAULT_CONTROL_PLANE)
    .action(async (kind: ProxyConfigKind, proxy: string, opts: { output: 'text' | 'json'; controlPlane: string }) => {
      const syncz = await getSyncz(opts.controlPlane);
      const id = resolveProxy(syncz.proxies.map((p) => p.proxy), proxy);
      const dump = await getConfigDump(opts.controlPlane, id);
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(resourcesOf(dump, kind), null, 2)}\n` : formatProxyConfig(dump, kind));
    });
}
