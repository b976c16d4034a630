// Test support only: a proxy that wires the HTTP/2 server codec straight to the HTTP/2 client
// codec with no routing, so the codecs can be tested end to end against real clients and servers.
import net from 'node:net';
import type { BodySource } from '../http/body.js';
import type { DownstreamExchange, UpstreamClient, UpstreamError, UpstreamRequest, UpstreamResponseHandler } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import type { ResponseHead } from '../http/message.js';
import { createHttp2Client, type Http2ClientOptions } from './client.js';
import { createHttp2ServerSession, type Http2ServerOptions, type Http2ServerSession } from './server-session.js';

export interface Passthrough {
  readonly port: number;
  readonly client: UpstreamClient;
  /** Upstream failures seen, in order. */
  readonly errors: UpstreamError[];
  /** Downstream aborts seen. */
  readonly aborts: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and forwards every stream to `upstream` through one HTTP/2 client. */
export async function startPassthrough(upstream: Omit<Http2ClientOptions, 'host'> & { host?: string }, server: Partial<Http2ServerOptions> = {}): Promise<Passthrough> {
  const client = createHttp2Client({ host: '127.0.0.1', ...upstream });
  const sessions = new Set<Http2ServerSession>();
  const state = { errors: [] as UpstreamError[], aborts: 0 };
  const listener = net.createServer((socket) => {
    const info = { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0, destinationAddress: '127.0.0.1', destinationPort: upstream.port, tls: false };
    const session = createHttp2ServerSession(socket, info, { ...server, onExchange: (exchange) => forward(exchange, client, state) });
    sessions.add(session);
    session.onClose(() => sessions.delete(session));
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return {
    port: (listener.address() as net.AddressInfo).port,
    client,
    errors: state.errors,
    get aborts() {
      return state.aborts;
    },
    async close() {
      client.close();
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

function forward(exchange: DownstreamExchange, client: UpstreamClient, state: { errors: UpstreamError[]; aborts: number }): void {
  const handler: UpstreamResponseHandler = {
    onResponse(head: ResponseHead, body: BodySource) {
      const sink = exchange.respond(head, body.empty);
      if (body.empty) body.discard();
      else body.pipe(sink);
    },
    onError(err: UpstreamError) {
      state.errors.push(err);
      if (exchange.responded) exchange.reset();
      else exchange.respond({ status: 503, reason: '', headers: new HeaderMap(['content-type', 'text/plain']) }, false).end();
    },
  };
  const request: UpstreamRequest = client.request(exchange.head, handler);
  exchange.onAbort(() => {
    state.aborts++;
    request.cancel();
  });
  exchange.body.pipe(request.body);
}
