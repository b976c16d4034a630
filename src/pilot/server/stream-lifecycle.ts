// The life of one ADS stream, for either protocol: the first request opens the connection (and
// must name its node), each request is handled in order, and however the stream ends the
// connection is closed exactly once. A failure ends the stream with the status that fits it.
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Node__Output } from '../../xds/index.js';
import type { Proxy } from '../model/proxy.js';
import { toStreamStatus, XdsServerError } from './errors.js';
import type { ServerContext } from './server-context.js';
import type { TypeResponder, XdsConnection, XdsProtocol } from './xds-connection.js';

/** How one protocol plugs into the stream's life. */
export interface StreamProtocol<Req, Res> {
  readonly protocol: XdsProtocol;
  readonly responderFor: (proxy: Proxy, write: (response: Res) => void) => TypeResponder;
  /** Handles one request; throws XdsServerError to end the stream. */
  readonly handle: (conn: XdsConnection, request: Req) => void;
}

/** Serves one stream until either side ends it. */
export function serveStream<Req extends { readonly node: Node__Output | null }, Res>(
  ctx: ServerContext,
  call: ServerDuplexStream<Req, Res>,
  protocol: StreamProtocol<Req, Res>,
): void {
  let conn: XdsConnection | undefined;
  let done = false;

  const write = (response: Res): void => {
    if (!done) call.write(response);
  };
  const finish = (): void => {
    if (conn) ctx.close(conn);
  };
  const end = (err?: unknown): void => {
    if (done) return;
    done = true;
    finish();
    if (err === undefined) call.end();
    else call.emit('error', toStreamStatus(err));
  };

  call.on('data', (request: Req) => {
    if (done) return;
    try {
      conn ??= ctx.open(request.node, {
        protocol: protocol.protocol,
        peer: call.getPeer(),
        responderFor: (proxy) => protocol.responderFor(proxy, write),
        end,
      });
      protocol.handle(conn, request);
    } catch (err) {
      const who = conn ? { proxy: conn.proxy.id } : { peer: call.getPeer() };
      if (err instanceof XdsServerError) ctx.log.warn({ ...who, code: err.code }, `xDS stream ended: ${err.message}`);
      else ctx.log.error({ ...who, err }, 'xDS stream failed');
      end(err);
    }
  });
  call.on('end', () => end());
  call.on('cancelled', () => {
    done = true;
    finish();
  });
  call.on('error', () => {
    done = true;
    finish();
  });
  call.on('close', () => {
    done = true;
    finish();
  });
}
