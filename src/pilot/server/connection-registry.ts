// The server's open connections: opened when a stream's first request names a valid node,
// closed once however the stream ends, with the hooks auto-registration relies on.
import type { Node__Output } from '../../xds/index.js';
import type { ConnectionHooks, ParseProxy } from './contracts.js';
import { XdsServerError } from './errors.js';
import type { OpenConnection, ServerContext } from './server-context.js';
import { XdsConnection } from './xds-connection.js';

/** What the connection registry needs from the server. */
export interface ConnectionRegistryOptions {
  readonly ctx: Pick<ServerContext, 'log' | 'metrics' | 'now'>;
  readonly parseProxy: ParseProxy;
  readonly hooks: ConnectionHooks;
}

/** The set of open connections. */
export interface ConnectionRegistry {
  /** Parses the node and registers a connection; throws XdsServerError when the node is missing or refused. */
  open(node: Node__Output | null, init: OpenConnection): XdsConnection;
  /** Unregisters `conn`; true the first time, false after. */
  close(conn: XdsConnection): boolean;
  all(): readonly XdsConnection[];
  /** Ends every stream (the server is stopping). */
  endAll(): void;
}

/** Creates an empty connection registry. */
export function createConnectionRegistry(opts: ConnectionRegistryOptions): ConnectionRegistry {
  const { ctx, hooks } = opts;
  const open = new Map<string, XdsConnection>();
  let counter = 0;

  function callHook(name: 'onConnect' | 'onDisconnect', conn: XdsConnection): void {
    try {
      hooks[name]?.(conn.proxy);
    } catch (err) {
      ctx.log.error({ proxy: conn.proxy.id, err }, `${name} hook failed`);
    }
  }

  return {
    open(node, init) {
      if (!node || !node.id) throw new XdsServerError('XDS_MISSING_NODE', 'the first request on a stream must carry a node with an id');
      const parsed = opts.parseProxy(node);
      if (!parsed.ok) throw new XdsServerError('XDS_INVALID_NODE', `node "${node.id}" refused: ${parsed.error}`);
      const proxy = parsed.proxy;
      const conn = new XdsConnection({
        id: `${proxy.id}-${++counter}`,
        proxy,
        protocol: init.protocol,
        peer: init.peer,
        connectedAt: ctx.now(),
        responder: init.responderFor(proxy),
        end: init.end,
      });
      open.set(conn.id, conn);
      ctx.metrics.connection(proxy, 1);
      ctx.log.info({ proxy: proxy.id, connection: conn.id, protocol: conn.protocol, peer: conn.peer }, `proxy ${proxy.id} connected`);
      callHook('onConnect', conn);
      return conn;
    },
    close(conn) {
      if (!open.delete(conn.id)) return false;
      ctx.metrics.connection(conn.proxy, -1);
      ctx.log.info({ proxy: conn.proxy.id, connection: conn.id }, `proxy ${conn.proxy.id} disconnected`);
      callHook('onDisconnect', conn);
      return true;
    },
    all: () => [...open.values()],
    endAll() {
      for (const conn of [...open.values()]) conn.end(new XdsServerError('XDS_SERVER_STOPPING', 'the control plane is stopping'));
    },
  };
}
