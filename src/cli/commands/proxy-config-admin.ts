// Reading a sidecar's own admin API (loopback only) for `heddle proxy-config secrets`: where it is,
// from `--admin` or from the admin port the proxy reported to the control plane, and its
// SecretsConfigDump.
import { isIP } from 'node:net';
import type { ProxySyncStatus } from '../../pilot/server/index.js';
import { getJson } from './http-json.js';
import { AdminApiError } from './proxy-config-admin-errors.js';
import { secretsDumpOf } from './proxy-config-secrets.js';

type Json = Readonly<Record<string, unknown>>;

/** The admin binds loopback only, so a proxy found through the control plane is read here. */
const ADMIN_HOST = '127.0.0.1';

/**
 * `host:port` (`127.0.0.1:15000`, `[::1]:15000`, `localhost:15000`) as the admin's base URL.
 * Throws AdminApiError BAD_ADMIN_ADDRESS naming the flag when it is not one.
 */
export function parseAdminAddress(text: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/]+):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[2]);
  const host = m?.[1] ?? '';
  const bareHost = host.startsWith('[') ? host.slice(1, -1) : host;
  if (!m || port < 1 || port > 65535 || (host.startsWith('[') && isIP(bareHost) !== 6)) {
    throw new AdminApiError('BAD_ADMIN_ADDRESS', `--admin must be host:port (127.0.0.1:15000, [::1]:15000), got "${text}"`);
  }
  return `http://${host}:${port}`;
}

/**
 * The admin base URL of the proxy with id `proxyId`, from the admin port it reported
 * (`adminPort` in /debug/syncz). Throws AdminApiError ADMIN_PORT_UNKNOWN when it reported none.
 */
export function adminAddressOf(proxies: readonly ProxySyncStatus[], proxyId: string): string {
  const port = proxies.find((p) => p.proxy === proxyId && p.adminPort !== undefined)?.adminPort;
  if (port === undefined) {
    throw new AdminApiError(
      'ADMIN_PORT_UNKNOWN',
      `proxy ${proxyId} did not tell the control plane its admin port (node metadata HEDDLE_ADMIN_PORT; proxyless gRPC clients and Envoy do not); point at its admin with --admin host:port`,
    );
  }
  return `http://${ADMIN_HOST}:${port}`;
}

/** The node id in a config dump's BootstrapConfigDump, if it has one. */
function bootstrapNodeOf(body: unknown): string | undefined {
  const configs = (body as { configs?: unknown } | null)?.configs;
  if (!Array.isArray(configs)) return undefined;
  const bootstrap = configs.find((c) => (c as Json | null)?.['@type'] === 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump') as { bootstrap?: { node?: { id?: unknown } } } | undefined;
  const id = bootstrap?.bootstrap?.node?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * GETs `/config_dump` from the admin at `base` and returns its SecretsConfigDump. Throws
 * AdminApiError: ADMIN_UNREACHABLE (naming the address and how to reach an admin in a network
 * namespace) or ADMIN_ERROR (an error status, a body that is not a config dump, or, with
 * `expectedNode`, the dump of a proxy with another node id).
 */
export async function getSecretsDump(base: string, timeoutMs = 5000, expectedNode?: string): Promise<Json> {
  const address = base.replace(/^http:\/\//, '');
  const answer = await getJson(`${base}/config_dump`, timeoutMs);
  if (answer.kind === 'unreachable') {
    throw new AdminApiError(
      'ADMIN_UNREACHABLE',
      `cannot reach the sidecar's admin at ${address} (${answer.why}); the admin listens on the sidecar's loopback only, so run this where the sidecar runs and point at it with --admin host:port (in a network namespace: ip netns exec NS heddle proxy-config secrets --admin 127.0.0.1:15000)`,
      { cause: answer.error },
    );
  }
  if (answer.kind === 'status') throw new AdminApiError('ADMIN_ERROR', `the admin at ${address} answered /config_dump with ${answer.status}: ${answer.body.trim().slice(0, 200)}`);
  if (answer.kind === 'not-json') throw new AdminApiError('ADMIN_ERROR', `the answer of ${address}/config_dump is not JSON; is ${address} a sidecar's admin port?`, { cause: answer.error });
  const parsed = answer.value;
  // The admin port came from the control plane, but 127.0.0.1 here may be another proxy's loopback
  // (the proxy runs in a pod namespace, or on another host): never print another proxy's secrets.
  const node = bootstrapNodeOf(parsed);
  if (expectedNode !== undefined && node !== expectedNode) {
    throw new AdminApiError(
      'ADMIN_ERROR',
      `the admin at ${address} belongs to ${node === undefined ? 'a proxy that does not say its node id' : `proxy ${node}`}, not to ${expectedNode}; that proxy runs in another network namespace or on another host: run this there with --admin host:port`,
    );
  }
  const dump = secretsDumpOf(parsed);
  if (!dump) throw new AdminApiError('ADMIN_ERROR', `the answer of ${address}/config_dump is not a config dump; is ${address} a sidecar's admin port?`);
  return dump;
}
