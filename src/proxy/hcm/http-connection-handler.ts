// The HTTP connection manager as a network filter: picks the codec for a connection (HTTP/1.1 or
// HTTP/2, sniffed when the config says AUTO) and runs every exchange on it as an ActiveStream.
import type { Duplex } from 'node:stream';
import type { DownstreamExchange } from '../http/exchange.js';
import { createHttp1ServerConnection } from '../http1/http1-server-connection.js';
import { isHttp2Preface } from '../http2/preface.js';
import { createHttp2ServerSession } from '../http2/server-session.js';
import type { ConnectionContext, ConnectionHandler } from '../listener/connection-handler.js';
import { createNetworkRbacCheck } from '../filters/rbac/network-rbac-filter.js';
import { ActiveStream } from './active-stream.js';
import type { StreamConfig } from './stream-config.js';

/** The connection handler of an HTTP connection manager filter chain. */
export function createHttpConnectionHandler(config: StreamConfig): ConnectionHandler {
  const onExchange = (exchange: DownstreamExchange): void => {
    new ActiveStream(exchange, config).start();
  };
  const http1Options = {
    onExchange,
    maxHeadBytes: config.hcm.maxRequestHeadersKb * 1024,
    ...(config.hcm.requestHeadersTimeoutMs > 0 ? { headersTimeoutMs: config.hcm.requestHeadersTimeoutMs } : {}),
  };
  const http2Options = { onExchange, maxHeaderListSize: config.hcm.maxRequestHeadersKb * 1024 };
  // Connections still served by this config; once it is replaced they drain, so that the next
  // request arrives on a new connection and meets the new filters (an updated RBAC policy, say).
  const live = new Set<{ close(): void }>();
  let retired = false;

  function serve(socket: Duplex, context: ConnectionContext, protocol: 'http1' | 'http2', initialData?: Buffer): void {
    let connection: { close(): void };
    if (protocol === 'http2') {
      if (initialData) socket.unshift(initialData);
      connection = createHttp2ServerSession(socket, context.connection, http2Options);
    } else {
      connection = createHttp1ServerConnection(socket, context.connection, initialData ? { ...http1Options, initialData } : http1Options);
    }
    if (retired) return connection.close();
    live.add(connection);
    socket.once('close', () => live.delete(connection));
  }

  const networkRbac = config.hcm.networkRbac?.length ? createNetworkRbacCheck(config.hcm.networkRbac) : undefined;

  return {
    handle(socket, context) {
      if (networkRbac && !networkRbac(context.connection, context.serverName)) {
        socket.destroy();
        return;
      }
      const codec = config.hcm.codec;
      const sniffed = context.applicationProtocols;
      if (codec === 'http2' || sniffed.includes('h2c') || sniffed.includes('h2')) return serve(socket, context, 'http2');
      if (codec === 'http1' || sniffed.includes('http/1.1') || sniffed.includes('http/1.0')) return serve(socket, context, 'http1');
      sniffCodec(socket, (protocol, data) => serve(socket, context, protocol, data));
    },
    retire() {
      retired = true;
      for (const connection of live) connection.close();
      live.clear();
    },
  };
}

/** Reads just enough of the connection to tell the HTTP/2 preface from HTTP/1.x. */
export function sniffCodec(socket: Duplex, done: (protocol: 'http1' | 'http2', data: Buffer | undefined) => void): void {
  let seen: Buffer | undefined;
  const onData = (chunk: Buffer): void => {
    seen = seen ? Buffer.concat([seen, chunk]) : chunk;
    const verdict = isHttp2Preface(seen);
    if (verdict === 'need_more') return;
    finish(verdict === 'yes' ? 'http2' : 'http1');
  };
  const onEnd = (): void => finish('http1');
  function finish(protocol: 'http1' | 'http2'): void {
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.pause();
    done(protocol, seen);
  }
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.resume();
}
