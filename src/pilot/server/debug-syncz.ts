// The sync status of every connection, per xDS type, as `/debug/syncz` serves it and
// `heddle proxy-status` prints it (Istio's SYNCED / STALE / NACKED / NOT SENT).
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, shortTypeName } from '../../xds/index.js';
import type { WatchedType } from './watched-type.js';
import type { XdsConnection } from './xds-connection.js';

/** Where one type stands: the last response ACKed, not yet answered, rejected, or never sent. */
export type XdsSyncState = 'SYNCED' | 'STALE' | 'NACKED' | 'NOT SENT';

/** One type's sync status on one connection. */
export interface TypeSyncStatus {
  readonly typeUrl: string;
  readonly state: XdsSyncState;
  /** `*` for a wildcard subscription, else the names asked for. */
  readonly subscribed: '*' | readonly string[];
  readonly resources: number;
  readonly sent?: { readonly version: string; readonly nonce: string; readonly at: string };
  readonly acked?: { readonly version: string; readonly nonce: string; readonly at: string };
  readonly nack?: { readonly version: string; readonly nonce: string; readonly message: string; readonly at: string };
}

/** One connection's sync status. */
export interface ProxySyncStatus {
  readonly proxy: string;
  readonly connection: string;
  readonly proxyType: string;
  readonly generator: string;
  readonly protocol: string;
  readonly peer: string;
  readonly connectedAt: string;
  /** The push version the connection was last brought up to date with. */
  readonly version?: string;
  /**
   * The port of the proxy's admin API on its own loopback, from Heddle's node metadata
   * `HEDDLE_ADMIN_PORT`; absent for proxies that do not say (proxyless gRPC, Envoy).
   */
  readonly adminPort?: number;
  /** By short type name: CDS, LDS, EDS, RDS always, and any other type the proxy watches. */
  readonly xds: Readonly<Record<string, TypeSyncStatus>>;
}

/** The body of `/debug/syncz`. */
export interface SynczResponse {
  readonly proxies: readonly ProxySyncStatus[];
}

const ALWAYS_SHOWN = [CLUSTER_TYPE, LISTENER_TYPE, ENDPOINT_TYPE, ROUTE_TYPE];

/** The state of one watched type. */
export function syncStateOf(w: WatchedType | undefined): XdsSyncState {
  if (!w?.nonceSent) return 'NOT SENT';
  if (w.nack && w.nack.nonce === w.nonceSent) return 'NACKED';
  return w.nonceAcked === w.nonceSent ? 'SYNCED' : 'STALE';
}

function typeStatus(typeUrl: string, w: WatchedType | undefined): TypeSyncStatus {
  return {
    typeUrl,
    state: syncStateOf(w),
    subscribed: !w ? [] : w.wildcard ? '*' : [...w.names].sort(),
    resources: w?.resources.size ?? 0,
    ...(w?.nonceSent && w.versionSent !== undefined && w.sentAt
      ? { sent: { version: w.versionSent, nonce: w.nonceSent, at: w.sentAt.toISOString() } }
      : {}),
    ...(w?.nonceAcked && w.versionAcked !== undefined && w.ackedAt
      ? { acked: { version: w.versionAcked, nonce: w.nonceAcked, at: w.ackedAt.toISOString() } }
      : {}),
    ...(w?.nack ? { nack: { ...w.nack, at: w.nack.at.toISOString() } } : {}),
  };
}

/** `HEDDLE_ADMIN_PORT` as a port number (a string, as node metadata values are, or a number). */
function adminPortOf(metadata: Readonly<Record<string, unknown>>): number | undefined {
  const raw = metadata['HEDDLE_ADMIN_PORT'];
  const port = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** The sync status of one connection. */
export function syncStatusOf(conn: XdsConnection): ProxySyncStatus {
  const adminPort = adminPortOf(conn.proxy.metadata);
  const xds: Record<string, TypeSyncStatus> = {};
  for (const typeUrl of ALWAYS_SHOWN) xds[shortTypeName(typeUrl)] = typeStatus(typeUrl, conn.watched.get(typeUrl));
  for (const w of conn.watchedInOrder()) xds[shortTypeName(w.typeUrl)] ??= typeStatus(w.typeUrl, w);
  return {
    proxy: conn.proxy.id,
    connection: conn.id,
    proxyType: conn.proxy.type,
    generator: conn.proxy.generator,
    protocol: conn.protocol,
    peer: conn.peer,
    connectedAt: conn.connectedAt.toISOString(),
    ...(conn.pushVersion !== undefined ? { version: conn.pushVersion } : {}),
    ...(adminPort !== undefined ? { adminPort } : {}),
    xds,
  };
}

/** `/debug/syncz`: every connection, sorted by proxy id. */
export function syncz(connections: readonly XdsConnection[]): SynczResponse {
  const proxies = connections.map(syncStatusOf).sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : a.connection < b.connection ? -1 : 1));
  return { proxies };
}
