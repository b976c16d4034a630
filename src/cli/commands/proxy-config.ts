// `heddle proxy-config (listeners|routes|clusters|endpoints|secrets) PROXY`: what the control plane
// last sent a proxy, from /debug/config_dump, or the secrets a sidecar holds, from its own admin
// /config_dump; as istioctl's tables or as JSON.
import { Argument, type Command } from 'commander';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/index.js';
import type { ConfigDumpResponse } from '../../pilot/server/index.js';
import { outputOption } from '../options.js';
import { DEFAULT_CONTROL_PLANE, getConfigDump, getSyncz, resolveProxy } from './debug-api.js';
import { adminAddressOf, getSecretsDump, parseAdminAddress } from './proxy-config-admin.js';
import { secretTable } from './proxy-config-secrets.js';
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

interface ProxyConfigFlags {
  readonly output: 'text' | 'json';
  readonly controlPlane: string;
  readonly admin?: string;
}

/**
 * The secrets of the sidecar at `--admin`, or of the connected proxy `proxy` names, read from the
 * admin port it reported to the control plane: its SecretsConfigDump as JSON, or istioctl's table.
 */
async function showSecrets(proxy: string | undefined, opts: ProxyConfigFlags): Promise<string> {
  let admin: string;
  let expectedNode: string | undefined;
  if (opts.admin !== undefined) admin = parseAdminAddress(opts.admin);
  else if (proxy === undefined) throw new Error('proxy-config secrets: give the proxy, or its admin address with --admin host:port');
  else {
    const syncz = await getSyncz(opts.controlPlane);
    expectedNode = resolveProxy(syncz.proxies.map((p) => p.proxy), proxy);
    admin = adminAddressOf(syncz.proxies, expectedNode);
  }
  const dump = await getSecretsDump(admin, undefined, expectedNode);
  return opts.output === 'json' ? `${JSON.stringify(dump, null, 2)}\n` : formatTable(secretTable(dump, Date.now()));
}

const HELP_AFTER = `
listeners, routes, clusters and endpoints are what the control plane last sent the proxy.
secrets are the certificates the sidecar's agent serves it (SDS "default" and "ROOTCA", file
certificates), read from the sidecar's own admin /config_dump (private keys redacted): the admin
port comes from the control plane, and the admin listens on loopback, so run this on the sidecar's
host, or give --admin host:port (PROXY is then optional), e.g. in a capture-mode namespace:
  ip netns exec NS heddle proxy-config secrets --admin 127.0.0.1:15000`;

/** Adds `heddle proxy-config KIND [PROXY] [-o json] [--control-plane URL] [--admin host:port]`. */
export function registerProxyConfig(program: Command): void {
  program
    .command('proxy-config')
    .description('show the listeners, routes, clusters or endpoints the control plane last sent a proxy, or the secrets a sidecar holds')
    .addArgument(new Argument('<kind>', 'what to show').choices([...Object.keys(KINDS), 'secrets']))
    .argument('[proxy]', 'the proxy: its id, or a unique prefix of its id or of its name (productpage-v1.default); optional for secrets with --admin')
    .addOption(outputOption())
    .option('--control-plane <url>', 'the control plane\'s monitoring address', DEFAULT_CONTROL_PLANE)
    .option('--admin <host:port>', 'secrets only: read this sidecar admin (loopback) directly, without the control plane')
    .addHelpText('after', HELP_AFTER)
    .action(async (kind: ProxyConfigKind | 'secrets', proxy: string | undefined, opts: ProxyConfigFlags) => {
      if (kind === 'secrets') {
        process.stdout.write(await showSecrets(proxy, opts));
        return;
      }
      if (opts.admin !== undefined) throw new Error(`proxy-config ${kind}: --admin applies to secrets only; ${kind} come from the control plane`);
      if (proxy === undefined) throw new Error(`proxy-config ${kind}: give the proxy (its id or name; heddle proxy-status lists them)`);
      const syncz = await getSyncz(opts.controlPlane);
      const id = resolveProxy(syncz.proxies.map((p) => p.proxy), proxy);
      const dump = await getConfigDump(opts.controlPlane, id);
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(resourcesOf(dump, kind), null, 2)}\n` : formatProxyConfig(dump, kind));
    });
}
