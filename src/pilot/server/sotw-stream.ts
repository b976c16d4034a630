// State-of-the-World ADS (StreamAggregatedResources): request handling as the xDS protocol has it.
// - The first request for a type (or one with no nonce) subscribes and is always answered.
// - A request with the last nonce sent is an ACK, or a NACK when it carries error_detail; it is
//   answered only when it subscribes to new names (or EDS must answer warming clusters).
// - A request with any other nonce is stale and ignored: the proxy sends its current
//   subscription again with the ACK of the newer response, and the change is picked up then.
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, type DiscoveryRequest__Output, type DiscoveryResponse } from '../../xds/index.js';
import { handleAckOrNack, noteExpiredNonce } from './ack-nack.js';
import { XdsServerError } from './errors.js';
import type { ServerContext } from './server-context.js';
import { createSotwResponder } from './sotw-response.js';
import { serveStream } from './stream-lifecycle.js';
import { applySotwNames, createWatchedType, type WatchedType } from './watched-type.js';
import type { XdsConnection } from './xds-connection.js';

/** Serves one StreamAggregatedResources stream. */
export function serveSotwStream(ctx: ServerContext, call: ServerDuplexStream<DiscoveryRequest__Output, DiscoveryResponse>): void {
  serveStream(ctx, call, {
    protocol: 'sotw',
    responderFor: (proxy, write) => createSotwResponder(ctx, proxy, write),
    handle: (conn, request) => handleSotwRequest(ctx, conn, request),
  });
}

/** Handles one SotW request on an open connection. */
export function handleSotwRequest(ctx: ServerContext, conn: XdsConnection, request: DiscoveryRequest__Output): void {
  const typeUrl = request.type_url;
  if (!typeUrl) throw new XdsServerError('XDS_MISSING_TYPE_URL', 'an ADS request must carry a type_url');
  const nonce = request.response_nonce;
  let watched = conn.watched.get(typeUrl);

  if (!watched || !nonce) {
    watched ??= createWatchedType(typeUrl);
    conn.watched.set(typeUrl, watched);
    applySotwNames(watched, request.resource_names);
    // Envoy warms changed clusters until it hears EDS again (envoyproxy/envoy#13009).
    if (typeUrl === CLUSTER_TYPE) markAlwaysRespond(conn.watched.get(ENDPOINT_TYPE));
    respond(ctx, conn, watched, true);
    return;
  }
  if (nonce !== watched.nonceSent) {
    noteExpiredNonce(ctx, conn, watched, nonce);
    return;
  }
  handleAckOrNack(ctx, conn, watched, request.error_detail);
  const change = applySotwNames(watched, request.resource_names);
  if (watched.alwaysRespond) {
    watched.alwaysRespond = false;
    respond(ctx, conn, watched, true);
  } else if (change.added.length > 0 || change.wildcardOn) {
    respond(ctx, conn, watched, true);
  }
}

function markAlwaysRespond(watched: WatchedType | undefined): void {
  if (watched) watched.alwaysRespond = true;
}

function respond(ctx: ServerContext, conn: XdsConnection, watched: WatchedType, force: boolean): void {
  const push = ctx.currentPush();
  conn.responder.respond(watched, push, force);
  conn.pushVersion = push.version;
}
