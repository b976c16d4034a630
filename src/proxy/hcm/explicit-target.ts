// Where an explicit-mode proxy request goes: its authority as a socket address, and the
// connection as the target port's connection manager sees it, reused across keep-alive requests.
import type { ConnectionInfo } from '../http/exchange.js';
import type { SocketAddress } from '../listener/connection-handler.js';

/** Splits `host:port` (or `[v6]:port`), with `defaultPort` when no port is given. */
export function splitAuthority(authority: string, defaultPort: number): SocketAddress | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(authority);
  if (!m) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { address: (m[1] ?? m[2])!.toLowerCase(), port };
}

/** A proxied request's target, and its connection with that target as the original destination. */
export interface ExplicitTarget {
  readonly authority: string;
  readonly scheme: string;
  readonly target: SocketAddress;
  readonly connection: ConnectionInfo;
}

/** Each connection's last target: keep-alive requests to one authority share it. */
const lastTargets = new WeakMap<ConnectionInfo, ExplicitTarget>();

/**
 * The target of a request for `authority` (default port by `scheme`) on `connection`, or
 * undefined when the authority is not `host[:port]`. A request to the same authority and scheme
 * as the connection's previous one gets the same object back, so it costs no parsing and no copy.
 */
export function retargetConnection(connection: ConnectionInfo, authority: string, scheme: string): ExplicitTarget | undefined {
  const last = lastTargets.get(connection);
  if (last !== undefined && last.authority === authority && last.scheme === scheme) return last;
  const target = splitAuthority(authority, scheme === 'https' ? 443 : 80);
  if (!target) return undefined;
  const next: ExplicitTarget = { authority, scheme, target, connection: { ...connection, destinationAddress: target.address, destinationPort: target.port } };
  lastTargets.set(connection, next);
  return next;
}
