// ACK and NACK handling, shared by both protocols: a request that carries the nonce of the last
// response either accepts it or rejects it with an error detail. A NACK is logged, counted and
// kept for proxy-status; nothing is resent for it, so a bad config is not pushed in a loop.
import { shortTypeName } from '../../xds/index.js';
import type { ServerContext } from './server-context.js';
import { recordAck, recordNack, type WatchedType } from './watched-type.js';
import type { XdsConnection } from './xds-connection.js';

/** The part of google.rpc.Status a NACK carries. */
export interface ErrorDetail {
  readonly code: number;
  readonly message: string;
}

/** Records the proxy's answer to the last response of `watched`: an ACK, or a NACK when `error` is set. */
export function handleAckOrNack(ctx: ServerContext, conn: XdsConnection, watched: WatchedType, error: ErrorDetail | null): void {
  const type = shortTypeName(watched.typeUrl);
  if (!error) {
    recordAck(watched, ctx.now());
    ctx.log.debug({ proxy: conn.proxy.id, type, version: watched.versionAcked, nonce: watched.nonceAcked }, `${type} ACK from ${conn.proxy.id}`);
    return;
  }
  const message = error.message || `error code ${error.code}`;
  const nack = recordNack(watched, message, ctx.now());
  ctx.metrics.rejected(watched.typeUrl);
  ctx.log.warn(
    { proxy: conn.proxy.id, type, version: nack.version, nonce: nack.nonce, error: message },
    `${type} NACK from ${conn.proxy.id} for version ${nack.version}: ${message}`,
  );
}

/** Notes a request whose nonce is not the last one sent; such a request is not answered. */
export function noteExpiredNonce(ctx: ServerContext, conn: XdsConnection, watched: WatchedType, nonce: string): void {
  ctx.metrics.expiredNonce(watched.typeUrl);
  ctx.log.debug(
    { proxy: conn.proxy.id, type: shortTypeName(watched.typeUrl), nonce, sent: watched.nonceSent },
    'request with an expired nonce ignored',
  );
}
