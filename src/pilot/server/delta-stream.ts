// Delta ADS (DeltaAggregatedResources): request handling as the incremental xDS protocol has it.
// - The first request for a type sets the subscription, takes initial_resource_versions as what
//   the proxy already holds (so unchanged resources are not resent), and is always answered.
// - A request with the last nonce sent ACKs or (with error_detail) NACKs that response.
// - Subscription changes apply whatever the nonce, since the proxy never repeats them; new names
//   are answered at once.
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { type DeltaDiscoveryRequest__Output, type DeltaDiscoveryResponse } from '../../xds/index.js';
import { handleAckOrNack, noteExpiredNonce } from './ack-nack.js';
import { createDeltaResponder } from './delta-response.js';
import { XdsServerError } from './errors.js';
import type { ServerContext } from './server-context.js';
import { serveStream } from './stream-lifecycle.js';
import { applyDeltaSubscription, createWatchedType } from './watched-type.js';
import type { XdsConnection } from './xds-connection.js';

/** Serves one DeltaAggregatedResources stream. */
export function serveDeltaStream(ctx: ServerContext, call: ServerDuplexStream<DeltaDiscoveryRequest__Output, DeltaDiscoveryResponse>): void {
  serveStream(ctx, call, {
    protocol: 'delta',
    responderFor: (proxy, write) => createDeltaResponder(ctx, proxy, write),
    handle: (conn, request) => handleDeltaRequest(ctx, conn, request),
  });
}

/** Handles one Delta request on an open connection. */
export function handleDeltaRequest(ctx: ServerContext, conn: XdsConnection, request: DeltaDiscoveryRequest__Output): void {
  const typeUrl = request.type_url;
  if (!typeUrl) throw new XdsServerError('XDS_MISSING_TYPE_URL', 'an ADS request must carry a type_url');
  let watched = conn.watched.get(typeUrl);
  const first = !watched;
  if (!watched) {
    watched = createWatchedType(typeUrl);
    conn.watched.set(typeUrl, watched);
    for (const [name, version] of Object.entries(request.initial_resource_versions ?? {})) watched.clientVersions.set(name, version);
  }
  const nonce = request.response_nonce;
  if (nonce && nonce === watched.nonceSent) handleAckOrNack(ctx, conn, watched, request.error_detail);
  else if (nonce) noteExpiredNonce(ctx, conn, watched, nonce);

  const change = applyDeltaSubscription(watched, request.resource_names_subscribe, request.resource_names_unsubscribe);
  if (first || change.added.length > 0 || change.wildcardOn || watched.alwaysRespond) {
    watched.alwaysRespond = false;
    const push = ctx.currentPush();
    conn.responder.respond(watched, push, first);
    conn.pushVersion = push.version;
  }
}
