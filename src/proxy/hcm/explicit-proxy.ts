// Explicit mode: without iptables, apps reach the mesh through the outbound port as an HTTP proxy
// (`HTTP_PROXY=http://127.0.0.1:15001`). Absolute-form requests are routed by the listener of
// their target port; CONNECT tunnels are dispatched like a redirected connection to the target.
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { DownstreamExchange } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import { createHttp1ServerConnection } from '../http1/http1-server-connection.js';
import { createHttp2ServerSession } from '../http2/server-session.js';
import { sniffCodec } from './http-connection-handler.js';
import type { ConnectionContext, ConnectionHandler, SocketAddress } from '../listener/connection-handler.js';
import type { ListenerManager } from '../listener/listener-manager.js';
import { ActiveStream } from './active-stream.js';
import { RetargetedExchange } from './explicit-exchange.js';
import { retargetConnection, splitAuthority } from './explicit-target.js';
import type { StreamConfig } from './stream-config.js';

export interface ExplicitProxyDeps {
  readonly listeners: () => ListenerManager;
  /** The connection manager settings of the HTTP chain that serves `destination`, if any. */
  streamConfigFor(destination: SocketAddress): StreamConfig | undefined;
  /** Settings that send everything to PassthroughCluster, for destinations the mesh doesn't know. */
  readonly passthrough: StreamConfig;
  readonly connectTimeoutMs: number;
}

export { splitAuthority };

/** The handler for connections to the outbound port that were not redirected. */
export function createExplicitProxyHandler(deps: ExplicitProxyDeps): ConnectionHandler {
  return {
    handle(socket, context) {
      const onExchangeHere = (exchange: DownstreamExchange): void => onExchange(exchange, context, deps);
      // HTTP/2 with prior knowledge (h2c, gRPC) names its target in :authority; HTTP/1.1 proxy
      // clients send absolute-form requests or CONNECT.
      sniffCodec(socket, (protocol, data) => {
        if (protocol === 'http2') {
          if (data) socket.unshift(data);
          createHttp2ServerSession(socket, context.connection, { onExchange: onExchangeHere });
        } else {
          createHttp1ServerConnection(socket, context.connection, { onExchange: onExchangeHere, ...(data ? { initialData: data } : {}) });
        }
      });
    },
  };
}

function onExchange(exchange: DownstreamExchange, context: ConnectionContext, deps: ExplicitProxyDeps): void {
  const head = exchange.head;
  if (head.method === 'CONNECT') {
    tunnel(exchange, context, deps);
    return;
  }
  const named = head.targetForm === 'absolute' || head.protocol === 'HTTP/2';
  const retargeted = named ? retargetConnection(exchange.connection, head.authority, head.scheme) : undefined;
  if (!retargeted) {
    exchange.body.discard();
    const body = Buffer.from('this port is an HTTP proxy: send absolute-form requests or CONNECT\n');
    const sink = exchange.respond({ status: 400, reason: '', headers: new HeaderMap(['content-type', 'text/plain', 'content-length', String(body.length)]) }, false);
    sink.write(body);
    sink.end();
    return;
  }
  head.headers.remove('proxy-connection');
  head.headers.remove('proxy-authorization');
  const config = deps.streamConfigFor(retargeted.target) ?? deps.passthrough;
  new ActiveStream(new RetargetedExchange(exchange, retargeted.connection), config).start();
}

function tunnel(exchange: DownstreamExchange, context: ConnectionContext, deps: ExplicitProxyDeps): void {
  const target = splitAuthority(exchange.head.authority, 443);
  if (!target || !exchange.upgrade) {
    exchange.respond({ status: 400, reason: '', headers: new HeaderMap(['content-length', '0']) }, true);
    return;
  }
  exchange.respond({ status: 200, reason: 'Connection Established', headers: new HeaderMap() }, true);
  const socket = exchange.upgrade();
  const conn = context.connection;
  const meta = { remoteAddress: conn.remoteAddress, remotePort: conn.remotePort, localAddress: conn.localAddress, localPort: conn.localPort };
  if (deps.listeners().dispatch(socket, target, meta)) return;
  passthrough(socket, target, deps.connectTimeoutMs);
}

/** A tunnel to a destination no listener knows: straight through, as PassthroughCluster does. */
function passthrough(socket: Duplex, target: SocketAddress, timeoutMs: number): void {
  const upstream = connect({ host: target.address, port: target.port, timeout: timeoutMs });
  upstream.once('connect', () => upstream.setTimeout(0));
  upstream.once('timeout', () => upstream.destroy());
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
  socket.pipe(upstream).pipe(socket);
  socket.resume();
}
